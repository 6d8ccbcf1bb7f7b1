"""MinHash signatures (transforms/fuzzy/minhash.py): identical to datasketch's default scheme, Jaccard
tracking on real Common Crawl text, normalisation against its definition, word hashing of long and odd
words, determinism across processes, LSH band keys."""
import os
import random
import string
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from datasketch import MinHash

from tests.conftest import ROOT
from transforms.fuzzy.minhash import (
    MAX_HASH,
    MinHasher,
    band_keys,
    jaccard,
    normalize,
    optimal_bands_rows,
    shingle_hashes,
)

NUM_PERM = 112


@pytest.fixture(scope="module")
def texts(cc_documents):
    docs = [row["text"] for row in cc_documents if len(row["text"].split()) >= 100]
    assert len(docs) >= 12
    return docs


@pytest.fixture(scope="module")
def hasher():
    return MinHasher(num_perm=NUM_PERM, ngram=5, seed=1)


def datasketch_signature(hash_values, num_perm=NUM_PERM, seed=1):
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda x: x)  # default scheme (affine32)
    m.update_batch([int(v) for v in hash_values])
    return m.hashvalues


def test_permutations_are_datasketchs(hasher):
    for num_perm, seed in [(NUM_PERM, 1), (128, 7)]:
        ours = MinHasher(num_perm=num_perm, seed=seed)
        theirs = MinHash(num_perm=num_perm, seed=seed)
        assert np.array_equal(ours.a, theirs.permutations[0])
        assert np.array_equal(ours.b, theirs.permutations[1])


def test_identical_to_datasketch_on_same_hash_values(hasher, texts):
    rng = np.random.default_rng(0)
    cases = [rng.integers(0, 2**32, n, dtype=np.uint64) for n in (1, 2, 7, 500, 5000, 40000)]
    cases.append(np.repeat(rng.integers(0, 2**32, 300, dtype=np.uint64), 3))  # duplicates
    cases.append(np.array([0, 1, 2**32 - 1, 2**31, 12345], dtype=np.uint64))
    for values in cases:
        assert np.array_equal(hasher.signature_from_hashes(values), datasketch_signature(values))
    # real documents: same 32-bit shingle hashes fed to both, batched and one at a time
    sigs = hasher.signatures(texts)
    for text, sig in zip(texts, sigs):
        expected = datasketch_signature(shingle_hashes(text))
        assert np.array_equal(sig, expected)
        assert np.array_equal(hasher.signature(text), expected)
    assert sigs.dtype == np.uint32 and sigs.shape == (len(texts), NUM_PERM)


def test_batching_of_many_short_and_long_documents(hasher, texts):
    """Many documents per block (short) and documents spanning several blocks (long)."""
    short = [" ".join(t.split()[i:i + 12]) for t in texts for i in range(0, 120, 12)]
    long_doc = " ".join(texts * 3)
    batch = short + [long_doc] + short[:5]
    sigs = hasher.signatures(batch)
    for text, sig in zip(batch, sigs):
        assert np.array_equal(sig, datasketch_signature(shingle_hashes(text)))


def _replace_words(text, fraction, rng):
    words = text.split()
    for i in rng.sample(range(len(words)), int(len(words) * fraction)):
        words[i] = f"zq{rng.randrange(10**9)}"
    return " ".join(words)


def test_estimated_jaccard_tracks_true_jaccard(hasher, texts):
    rng = random.Random(0)
    errors = []
    for text in texts:
        for fraction in (0.02, 0.05, 0.1, 0.2):
            edited = _replace_words(text, fraction, rng)
            true = jaccard(shingle_hashes(text), shingle_hashes(edited))
            a, b = hasher.signatures([text, edited])
            estimate = float(np.mean(a == b))
            errors.append(estimate - true)
            # one standard deviation of the estimator is sqrt(J(1-J)/112) <= 0.047
            assert abs(estimate - true) <= 0.16, (fraction, true, estimate)
    errors = np.array(errors)
    assert abs(errors.mean()) < 0.03  # unbiased
    assert np.sqrt(np.mean(errors**2)) < 0.06
    # 10% of words replaced breaks up to half of the 5-gram shingles
    edited = _replace_words(texts[0], 0.1, random.Random(1))
    assert 0.4 < jaccard(shingle_hashes(texts[0]), shingle_hashes(edited)) < 0.8


def test_unrelated_documents_have_low_estimated_similarity(hasher, texts):
    sigs = hasher.signatures(texts)
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            assert np.mean(sigs[i] == sigs[j]) < 0.1


def test_normalization_variants_give_the_same_signature(hasher, texts):
    text = texts[0]
    words = text.split()
    variants = [
        text.upper(),
        text.lower(),
        "  \n".join(words),
        "\t".join(w + "," for w in words),
        " ... ".join(words) + " !!!",
        text.replace(" ", "\u00a0"),  # no-break spaces (NFKC -> space)
        "".join(chr(ord(c) + 0xFEE0) if "A" <= c <= "Z" else c for c in text),  # full-width capitals
    ]
    base = hasher.signature(text)
    for variant in variants:
        assert normalize(variant) == normalize(text)
        assert np.array_equal(hasher.signature(variant), base)
    assert normalize("  Hello, WORLD!  It’s «fine» — really…\u3000ok ") == "hello world it s fine really ok"
    assert normalize("Straße ＡＢＣ ﬁne") == "strasse abc fine"
    assert normalize("café") == normalize("cafe\u0301")


def reference_normalize(text):
    """`normalize` as its docstring defines it, character by character."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    spaced = "".join(" " if unicodedata.category(c).startswith("P") or c in string.punctuation or c.isspace()
                     else c for c in folded)
    return " ".join(spaced.split())


def _random_unicode(rng, n):
    pools = [
        string.ascii_letters + string.digits + string.punctuation + " \t\n",
        "éèàçßẞİıŉǅﬁﬀ½²ⅷ…’“”«»—–\u00a0\u3000\u2009\u200b",  # compatibility and case-fold specials
        "\u0301\u0300\u0308\u0327\u0323\u0345\u093c\u0bbe\u3099",  # combining marks, Maybe starters
        "\u1100\u1161\u11a8\uac00\u1109\u1175",  # Hangul jamo and a syllable
        "абвгдАБВГДΣσςΑΒΓ漢字かなカナ한국어עבריתالعربية",
    ]
    out = []
    for _ in range(n):
        pool = pools[rng.randrange(len(pools))]
        out.append(pool[rng.randrange(len(pool))])
    return "".join(out)


def test_normalize_equals_its_definition(texts):
    rng = random.Random(5)
    cases = list(texts) + [_random_unicode(rng, rng.randrange(1, 80)) for _ in range(3000)]
    # a sensitive character after a space, at the start, at the end, and densely
    cases += ["a \u0301b", "\u0301abc", "x ﬁ", "e\u0301 " * 200, "ﬁ" * 500, "Å\u0327 x\u0308\u0323 y"]
    for text in cases:
        assert normalize(text) == reference_normalize(text), repr(text)


def test_nfkc_sensitive_characters_cover_every_composing_character():
    """`normalize` NFKC-normalises only around 'sensitive' characters; it is exact if every character
    that canonically composes with the character before it is sensitive (a mark or a Hangul jamo)."""
    from transforms.fuzzy.minhash import _char_rule

    seconds = set()
    for code in range(0x80, 0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    assert len(seconds) > 50
    # Hangul syllables compose algorithmically (no decomposition entry): leading + vowel + trailing jamo
    assert unicodedata.normalize("NFKC", "\u1100\u1161\u11a8") == "\uac01"
    seconds |= {"\u1161", "\u11a8"}
    for c in seconds:
        assert not c.isascii() and _char_rule(c).nfkc_sensitive, hex(ord(c))


def test_word_hashes_see_every_byte():
    long_word = "x" * 1000
    base = shingle_hashes(f"a b c d {long_word}")
    assert not np.array_equal(base, shingle_hashes(f"a b c d {long_word[:-1]}y"))  # past the numpy part
    assert not np.array_equal(base, shingle_hashes(f"a b c d {long_word[:9]}y{long_word[10:]}"))
    assert not np.array_equal(base, shingle_hashes(f"a b c d {long_word}x"))
    assert np.array_equal(base, shingle_hashes(f"A, B; C. D! {long_word.upper()}"))
    # a NUL byte is part of a word; length is part of the hash
    assert not np.array_equal(shingle_hashes("a\x00 b c d e"), shingle_hashes("a b c d e"))
    words = ["w" * n for n in range(1, 70)]
    assert len({int(shingle_hashes(w)[0]) for w in words}) == len(words)
    assert len(set(map(int, shingle_hashes(" ".join(words), ngram=1)))) == len(words)


def test_ascii_fast_path_matches_unicode_path():
    for text in ["Hello, World!", "a_b-c d\x1ce", "  x\t\ty\r\nz  ", "$5 + 3 = <8>|~^`"]:
        unicode_variant = text + " é"
        assert normalize(unicode_variant) == normalize(text) + " é"


def test_signature_deterministic_across_processes(hasher, texts):
    code = (
        "import sys, json; sys.path.insert(0, sys.argv[1]);"
        "from transforms.fuzzy.minhash import MinHasher;"
        "print(json.dumps([int(x) for x in MinHasher(112, 5, 1).signature(sys.stdin.read())]))"
    )
    expected = [int(x) for x in hasher.signature(texts[3])]
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code, str(ROOT)], input=texts[3], capture_output=True,
                             text=True, env=env, check=True, encoding="utf-8")
        assert [int(x) for x in out.stdout.strip()[1:-1].split(",")] == expected


def test_band_keys(hasher, texts):
    bands, rows = 14, 8
    sigs = hasher.signatures(texts)
    keys = [band_keys(s, bands, rows) for s in sigs]
    assert all(len(k) == bands for k in keys)
    assert all(len(key) == 2 + 4 * rows for k in keys for key in k)
    assert len(set(keys[0])) == bands  # the band index makes equal rows in different bands differ
    # identical documents share every key; unrelated documents share none
    assert band_keys(hasher.signature(texts[5]), bands, rows) == keys[5]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            assert not set(keys[i]) & set(keys[j])
    # bytes are fixed: band index big-endian, then the values as big-endian uint32
    sig = np.arange(16, dtype=np.uint64) + np.uint64(2**32 - 20)
    assert band_keys(sig, 2, 8)[1] == b"\x00\x01" + b"".join(int(v).to_bytes(4, "big") for v in sig[8:])
    with pytest.raises(ValueError):
        band_keys(sigs[0], 15, 8)
    # a near-duplicate (2% of words replaced) shares at least one band
    near = hasher.signature(_replace_words(texts[5], 0.02, random.Random(3)))
    assert set(band_keys(near, bands, rows)) & set(keys[5])


def test_optimal_bands_rows():
    from datasketch.lsh import _optimal_param

    assert optimal_bands_rows(0.8, 112) == _optimal_param(0.8, 112, 0.5, 0.5)
    b, r = optimal_bands_rows(0.7, 112)
    assert b * r <= 112 and b >= 2


def test_short_and_empty_texts(hasher):
    assert shingle_hashes("").size == 0 and shingle_hashes(" ,;! \n").size == 0
    assert shingle_hashes("").dtype == np.uint32
    assert np.array_equal(hasher.signature(""), np.full(NUM_PERM, 2**32 - 1, dtype=np.uint32))
    assert np.array_equal(hasher.signature("..."), np.full(NUM_PERM, MAX_HASH, dtype=np.uint32))
    one = shingle_hashes("Hello world")
    assert one.size == 1 and one[0] < 2**32
    assert np.array_equal(one, shingle_hashes("hello,  WORLD!"))
    assert not np.array_equal(one, shingle_hashes("hello world again"))
    assert shingle_hashes("one two three four five").size == 1
    assert shingle_hashes("one two three four five six").size == 2
    assert shingle_hashes("a b a b a b a b a b").size == 2  # distinct shingles only
    sigs = hasher.signatures(["", "Hello world", "", "one two three four five six"])
    assert np.array_equal(sigs[0], sigs[2]) and (sigs[0] == MAX_HASH).all()
    assert np.array_equal(sigs[1], datasketch_signature(one))
    assert hasher.signatures([]).shape == (0, NUM_PERM)
    assert jaccard([], []) == 1.0 and jaccard([1, 2], [2, 3]) == pytest.approx(1 / 3)

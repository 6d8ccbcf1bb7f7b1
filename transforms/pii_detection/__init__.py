"""Pure logic of stage `pii`: find personal data and secrets in text, resolve overlaps, redact.

One module per job, each tested without Beam (tests/test_pii.py):
  entities    the entity names we detect and the placeholder that replaces each
  spans       found spans: overlap resolution, redaction with typed placeholders, density
  context     context words around a match raise its score (character windows; why: see there)
  cards       payment card numbers: issuer (IIN) ranges, lengths and the Luhn check
  phones      phone numbers: phonenumbers-validated ones, and phone-shaped ones with context
  secrets     credentials in code: private keys, cloud/API tokens, passwords in URLs
  prefilter   cheap triggers every match must contain, and the windows of text sent to presidio
  analyzer    the offline presidio AnalyzerEngine and the detector that combines the above
"""

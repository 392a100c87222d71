"""Text: the lexicons of internal-customer language and of staff roles, and the matching of their terms in
documents, ticket texts and subjects (folded for case and diacritics, inflections and compounds found).
No store, no engine: plain functions over strings."""

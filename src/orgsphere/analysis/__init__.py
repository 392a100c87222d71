"""Analysis: each capability a module of expressions over the canonical tables; no file is read here."""

"""Staff roles: supporting, regulating, executing, advisory."""

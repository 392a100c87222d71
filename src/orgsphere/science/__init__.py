"""The science around the measurements: the sphere model that simulates an organisation of N people in a
d-dimensional ball, and many organisations compared at once (one fit across them)."""

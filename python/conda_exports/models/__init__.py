"""conda's data models: versions, match specs, dists, records, channels."""

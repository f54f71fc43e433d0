"""Development and CI tools: evaluation and baselines, the benchmark, data validation, a REST client.

Nothing in the runtime imports this package, and it is left out of the runtime image.
"""

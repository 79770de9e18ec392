"""The lab's tools: the study, benchmarks, default-model training and test data; never imported by the product."""

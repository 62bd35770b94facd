"""Side-by-side ratio benchmarks for aiosecretsmanager: ``python -m benchmarks``.

Every server runs on 127.0.0.1. Cases run interleaved (A B C D, A B C D, ...), each
figure is the median of the repetitions, and each ratio is taken per repetition
against case (a), aiobotocore's own paginator, before its median is taken.
"""

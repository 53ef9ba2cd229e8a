"""Parses Prometheus text exposition from stdin with the official Python client's parser (Debian's
python3-prometheus-client), not ours, and prints every sample as JSON: [{"name", "labels", "value"}].
A line it cannot read makes it exit 1. Used by MetricsIT."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

try:
    samples = [{"name": s.name, "labels": s.labels, "value": s.value}
               for family in text_string_to_metric_families(sys.stdin.read())
               for s in family.samples]
except Exception as e:  # the parser raises ValueError, and others on some malformed input
    print(f"not Prometheus text: {e}", file=sys.stderr)
    sys.exit(1)
json.dump(samples, sys.stdout)

#!/bin/bash
# Paths that look like DATAMIMIC's shape, on services that are not DATAMIMIC.
curl -s https://storage.example.com/api/v1/buckets/files
curl -s "https://ci.example.com/api/v1/jobs/$JOB/artifacts"
curl -s https://tasks.example.com/api/v1/queue/task/next
curl -s https://printing.example.com/api/v1/printer/info
curl -s -X POST https://ml.example.com/api/v1/models/generate -d '{"prompt": "hi"}'
curl -s "https://kube.example.com/api/v1/namespaces/$NS/pods"
curl -s https://grafana.example.com/api/v1/provisioning/alert-rules

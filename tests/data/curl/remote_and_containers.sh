#!/bin/bash
ssh deploy@web-1 'curl -s http://localhost:9000/api/v1/reload'
ssh deploy@web-1 "curl -s -H 'Host: app.example.com' http://127.0.0.1/api/v1/cache/flush"
docker exec -it api curl -s http://localhost:3000/api/v1/health
docker run --rm curlimages/curl:8.5.0 -s https://api.example.com/v1/from-container
kubectl exec deploy/api -- curl -s http://localhost:8080/api/v1/ready
bash -c "curl -s https://api.example.com/v1/nested-shell"
sh -c 'curl -s "https://api.example.com/v1/$0"' items

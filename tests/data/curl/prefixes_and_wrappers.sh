#!/bin/bash
time curl -s https://speed.example.com/api/v1/big > /dev/null
env HTTPS_PROXY=http://proxy.example.com:3128 curl -s https://api.example.com/v1/through-proxy
command curl -s https://api.example.com/v1/command
sudo -E curl -s -o /usr/local/bin/tool https://downloads.example.com/tool
LANG=C curl -s https://api.example.com/v1/with-env
xargs -n1 curl -s -O < urls.txt
echo https://api.example.com/v1/from-echo | xargs curl -s
eval "curl -s https://api.example.com/v1/eval"
watch -n 5 curl -s https://api.example.com/v1/status
timeout 10 curl -s https://slow.example.com/api/v1/report
nohup curl -s https://api.example.com/v1/background > out.log 2>&1 &

#!/bin/sh
# Written on Windows: CRLF line ends.
curl -s https://api.example.com/v1/crlf
curl -s -X POST \
  https://api.example.com/v1/crlf-continued

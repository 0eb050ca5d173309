#!/bin/sh
curl -X DELETE https://api.example.com/v1/sessions/current
curl -XPATCH -H 'Content-Type: application/merge-patch+json' -d '{"enabled":false}' https://api.example.com/v1/flags/beta
curl --request PUT --upload-file ./report.pdf https://storage.example.com/bucket/report.pdf
curl -T backup.tar https://storage.example.com/upload/
curl -I https://www.example.org/
curl --head https://cdn.example.org/app.js
curl --json '{"name": "build", "tags": ["a", "b"]}' https://api.example.com/v1/builds
curl -d name=value -d other=thing https://forms.example.com/submit
curl --data-raw '@not-a-file' https://api.example.com/v1/raw
curl -F 'meta={"a":1};type=application/json' -F 'upload=@photo.jpg;filename=me.jpg' https://media.example.com/api/v1/upload
curl --form-string 'text=@literal' https://forms.example.com/api/v1/text
curl -G -d 'q=kittens' -d 'limit=5' https://search.example.com/api/v1/images

#!/bin/sh
# what the QA folks run before a release, in this order
set -e
python descriptor_tool.py pull customers.csv
python descriptor_tool.py bump-count datamimic.xml 500
python descriptor_tool.py log "$TASK_ID"

#!/usr/bin/env python
"""Entry point used by the agent: python run_flow.py"""
import sys

from tdm_flows.flows import publish_seeds

if __name__ == "__main__":
    state = publish_seeds()
    sys.exit(0 if state["job_id"] else 1)

"""Files that carry shell or Python code inside them: Markdown, CI YAML,
Dockerfiles, Makefiles and Jupyter notebooks. Each module cuts the code out as
regions (``regions.py``) for the front ends, and everything else of the host
stays byte-identical."""

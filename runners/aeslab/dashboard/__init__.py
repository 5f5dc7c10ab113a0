"""Static regression dashboard: `aeslab dashboard --results DIR --out DIR`.

One index.html (data inlined as JSON, charts drawn as SVG by a small inline
script: no CDN, no server, works from file://) plus one page per run under
runs/<host>/<run-id>.html, which every flag links to.
"""
from .build import build  # noqa: F401

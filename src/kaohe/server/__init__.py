"""``kaohe serve``: a local, read-only web app and JSON API over one scored scheme.

- :mod:`kaohe.server.board`: what is shown (rankings, explanations,
  what-if), computed without web code;
- :mod:`kaohe.server.app`: the Starlette application (server-side rendered
  pages from Jinja2 templates, the JSON API, the token check);
- :mod:`kaohe.server.openapi`: the OpenAPI document of the JSON API.

Starlette, uvicorn and Jinja2 come with the optional extra
``pip install 'kaohe[serve]'``; only ``kaohe serve`` imports this package.
"""

#!/usr/bin/env python3
# tests/tools/pyindex.py FOLDER [PORT]: serve FOLDER over HTTP on 127.0.0.1
# (prints the port), for tests/tools/pylock-fixtures.sh.
# A PEP 503 "simple" index over a folder, with the caching headers PyPI's
# file host sends (ETag, Cache-Control), so that pip keeps the wheels in
# its HTTP cache as it does for PyPI.
import functools, hashlib, http.server, os, sys

class H(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        p = self.translate_path(self.path)
        if os.path.isfile(p):
            st = os.stat(p)
            self.send_header("ETag", '"%x-%x"' % (st.st_size, int(st.st_mtime)))
            self.send_header("Cache-Control", "max-age=365000000, immutable, public")
        super().end_headers()
    def log_message(self, *a):
        pass

port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(H, directory=sys.argv[1]))
print(srv.server_address[1], flush=True)
srv.serve_forever()

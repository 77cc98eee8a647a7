#!/usr/bin/env bash
# The curl commands `sluice demo` prints, against its default address. Start the demo first:
#   swift run sluice demo
# then run this file (or paste single commands). Each comment says what the command shows and the
# status it answers; a test keeps this file and the demo's output in step.
set -u

# Echo over Kitex TTHeader: the path, query and a header bind into the request (expect 200)
curl -si -X POST 'http://127.0.0.1:8080/v1/echo/alice?verbose=true' -H 'X-User: bob' -d '{"message": "hi"}'
echo
# The same method as a GET, everything from the path and query (expect 200)
curl -si 'http://127.0.0.1:8080/v1/echo/alice?message=hello'
echo
# A struct from the store, over framed compact (expect 200)
curl -si http://127.0.0.1:8080/v1/store/items/1
echo
# A declared exception (NotFound), mapped to 404 by the route (expect 404)
curl -si http://127.0.0.1:8080/v1/store/items/42
echo
# Create an item (dry run): enums by name, binary as base64, defaults filled in (expect 200)
curl -si -X POST 'http://127.0.0.1:8080/v1/store/items?dry_run=true' -d '{"id": 7, "name": "Sprocket", "price": {"units": 3}, "colors": ["RED", "BLUE"], "thumbnail": "aGVsbG8="}'
echo
# Search with query parameters (an enum by name) (expect 200)
curl -si 'http://127.0.0.1:8080/v1/store/search?q=g&color=BLUE'
echo
# A union argument: exactly one field (expect 200)
curl -si -X POST http://127.0.0.1:8080/v1/store/find -d '{"name": "Gizmo"}'
echo
# A bad request names the field path and the byte offset (expect 400)
curl -si -X POST http://127.0.0.1:8080/v1/store/echo -d '{"id": "x", "name": "bad"}'
echo
# A oneway method: 202 without waiting for the backend (expect 202)
curl -si -X POST http://127.0.0.1:8080/v1/store/events -d '{"event": "hello", "attrs": {"from": "curl"}}'
echo
# What the oneway calls recorded (expect 200)
curl -si http://127.0.0.1:8080/v1/store/events
echo
# A route generated from the IDL's api.get annotation, over THeader (expect 200)
curl -si http://127.0.0.1:8080/api/items/2
echo
# No such route (expect 404)
curl -si http://127.0.0.1:8080/v1/nowhere
echo

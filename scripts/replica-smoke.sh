#!/usr/bin/env bash
# Smoke check of the staging replica against the answers the real stack gives
# (DRF + djoser + simplejwt as the authentication page describes), with curl.
#
#   scripts/replica-smoke.sh [MODE]
#
# With ZS_BASE_URL (and ZS_EMAIL, ZS_PASSWORD, ZS_SIGNING_KEY) set, checks that
# server, which must run in MODE (default: $REPLICA_MODE, else upstream).
# Without ZS_BASE_URL, starts a fresh replica for MODE (default: upstream, then
# doc-literal) with scripts/replica.sh run, checks it and stops it.
# Prints one line per check and a closing "N passed, N failed"; exits non-zero
# on any mismatch. Never sends DELETE or anything that changes the account.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3
unset PYTHONPATH PYTHONHOME

if [[ -z ${ZS_BASE_URL:-} ]]; then
	rc=0
	for mode in ${1:-upstream doc-literal}; do
		echo "--- replica in $mode mode"
		"$ROOT/scripts/replica.sh" run "$mode" -- "$ROOT/scripts/replica-smoke.sh" "$mode" || rc=1
	done
	exit "$rc"
fi

MODE=${1:-${REPLICA_MODE:-upstream}}
case $MODE in upstream | doc-literal) ;; *) echo "unknown mode '$MODE'" >&2; exit 2 ;; esac
: "${ZS_EMAIL:?}" "${ZS_PASSWORD:?}" "${ZS_SIGNING_KEY:?}"
B=${ZS_BASE_URL%/}
P=$B/v1/zonesmart
T=$(mktemp -d -t zs-smoke.XXXXXX)
trap 'rm -rf "$T"' EXIT
PASSED=0
FAILED=0

# The checks are Python expressions over the last answer: `status`, `b` (the
# parsed JSON body or None), `raw` (body text), `h` (headers, lower-case names),
# `date` (the Date header as a Unix time) and helpers to read JWTs.
cat >"$T/smoke.py" <<'PY'
import base64, email.utils, hashlib, hmac, json, os, re, sys, time

PAGE_CLAIMS = {"token_type", "exp", "jti", "user_id", "email", "phone",
               "username", "access_until", "has_access"}
KEY = os.environ["ZS_SIGNING_KEY"].encode()

def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def hdr(tok):
    return json.loads(b64d(tok.split(".")[0]))

def claims(tok):
    return json.loads(b64d(tok.split(".")[1]))

def verify(tok):
    head, body, sig = tok.split(".")
    mac = hmac.new(KEY, (head + "." + body).encode(), hashlib.sha256).digest()
    return hmac.compare_digest(b64e(mac), sig)

def forge(claims, alg="HS256"):
    head = b64e(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64e(json.dumps(claims).encode())
    if alg == "none":
        return head + "." + body + "."
    mac = hmac.new(KEY, (head + "." + body).encode(), hashlib.sha256).digest()
    return head + "." + body + "." + b64e(mac)

def is_hex32(s):
    return isinstance(s, str) and re.fullmatch("[0-9a-f]{32}", s) is not None

def load(d):
    raw = open(os.path.join(d, "body"), encoding="utf-8", errors="replace").read()
    try:
        b = json.loads(raw)
    except ValueError:
        b = None
    h = {}
    for line in open(os.path.join(d, "headers"), encoding="latin-1"):
        if ":" in line:
            k, v = line.split(":", 1)
            h[k.strip().lower()] = v.strip()
    date = h.get("date")
    date = email.utils.parsedate_to_datetime(date).timestamp() if date else None
    return raw, b, h, date

cmd = sys.argv[1]
if cmd == "check":
    d, name, want = sys.argv[2], sys.argv[3], sys.argv[4]
    raw, b, h, date = load(d)
    status = int(open(os.path.join(d, "status")).read() or 0)
    env = dict(globals(), raw=raw, b=b, h=h, date=date, status=status, E=os.environ)
    problems = []
    if want != "-" and status != int(want):  # "-": a check of tokens only
        problems.append("status %d, want %s" % (status, want))
    for expr in sys.argv[5:]:
        try:
            ok = eval(expr, env)
        except Exception as e:  # a missing key or a bad token counts as a failure
            ok, expr = False, "%s (%s: %s)" % (expr, type(e).__name__, e)
        if not ok:
            problems.append("not true: " + expr)
    if problems:
        print("FAIL %s: %s\n     headers: %s\n     body: %s" % (name, "; ".join(problems), h, raw[:300]))
        sys.exit(1)
    print("ok   " + name)
elif cmd == "get":
    raw, b, h, date = load(sys.argv[2])
    print(b[sys.argv[3]])
elif cmd == "forge":
    c = json.loads(sys.argv[2])
    now = int(time.time())
    for k in ("exp", "iat"):
        if k in c:
            c[k] += now
    print(forge(c, sys.argv[3] if len(sys.argv) > 3 else "HS256"))
PY

# call METHOD URL [curl args...]: one request; answer kept in $T for `check`.
call() {
	local method=$1 url=$2
	shift 2
	curl -s -X "$method" -D "$T/headers" -o "$T/body" -w '%{http_code}' --max-time 10 "$@" "$url" >"$T/status" || true
}
# check NAME STATUS|- [PYTHON_EXPR...]
check() {
	if "$PY" "$T/smoke.py" check "$T" "$@"; then
		PASSED=$((PASSED + 1))
	else
		FAILED=$((FAILED + 1))
	fi
}
get() { "$PY" "$T/smoke.py" get "$T" "$1" 2>/dev/null; }
forge() { "$PY" "$T/smoke.py" forge "$@"; }

JSON=(-H 'Content-Type: application/json')
CREDS=$(printf '{"email":"%s","password":"%s"}' "$ZS_EMAIL" "$ZS_PASSWORD")
WWW='h.get("www-authenticate") == "JWT realm=\"api\""'
NO_CREDS='b == {"detail": "Authentication credentials were not provided."}'
NOT_VALID='b["code"] == "token_not_valid" and b["detail"] == "Given token not valid for any token type" and len(b["messages"]) >= 1'
ALLOW_POST='h.get("allow") == "POST, OPTIONS"'
CUSTOM='all(claims(E["TOK"])[k] == v for k, v in {"user_id": 1, "email": E["ZS_EMAIL"], "phone": None, "username": "admin", "access_until": None, "has_access": False}.items())'

echo "# mode $MODE at $B"

# --- create -----------------------------------------------------------------
call POST "$P/auth/jwt/create/" "${JSON[@]}" -d "$CREDS"
check "create: right credentials -> 200 {refresh, access}" 200 \
	'set(b) == {"refresh", "access"}' 'h["content-type"] == "application/json"'
ACCESS=$(get access)
REFRESH=$(get refresh)
CREATED_AT=$("$PY" -c 'import sys, email.utils as u; print(int(u.parsedate_to_datetime(sys.argv[1]).timestamp()))' \
	"$(grep -i '^date:' "$T/headers" | cut -d' ' -f2- | tr -d '\r')")
export ACCESS REFRESH CREATED_AT

call POST "$P/auth/jwt/create/" "${JSON[@]}" -d "{\"email\":\"$ZS_EMAIL\",\"password\":\"wrong-$ZS_PASSWORD\"}"
check "create: wrong password -> 401" 401 \
	'b == {"detail": "No active account found with the given credentials"}' "$WWW"
call POST "$P/auth/jwt/create/" "${JSON[@]}" -d "{\"email\":\"nobody@example.invalid\",\"password\":\"$ZS_PASSWORD\"}"
check "create: unknown email -> 401, same answer" 401 \
	'b == {"detail": "No active account found with the given credentials"}' "$WWW"
call POST "$P/auth/jwt/create/" "${JSON[@]}" -d "{\"email\":\"$ZS_EMAIL\"}"
check "create: missing password -> 400" 400 'b == {"password": ["This field is required."]}'
call POST "$P/auth/jwt/create/" "${JSON[@]}" -d '{}'
check "create: {} -> 400 both fields" 400 \
	'b == {"email": ["This field is required."], "password": ["This field is required."]}'
call POST "$P/auth/jwt/create/" "${JSON[@]}" -d '{"email":'
check "create: body not JSON -> 400 parse error" 400 'b["detail"].startswith("JSON parse error - ")'
call POST "$P/auth/jwt/create/" -H 'Content-Type: text/plain' -d "$CREDS"
check "create: text/plain -> 415" 415 'b == {"detail": "Unsupported media type \"text/plain\" in request."}'
call POST "$P/auth/jwt/create/" --data-urlencode "email=$ZS_EMAIL" --data-urlencode "password=$ZS_PASSWORD"
check "create: form-encoded -> 200 tokens" 200 'set(b) == {"refresh", "access"}'
call GET "$P/auth/jwt/create/"
check "create: GET -> 405" 405 "$ALLOW_POST" 'b == {"detail": "Method \"GET\" not allowed."}'
call POST "$B/auth/jwt/create/" "${JSON[@]}" -d "$CREDS"
check "create: without /v1/zonesmart -> 200" 200 'set(b) == {"refresh", "access"}'
call POST "$P/auth/jwt/create" "${JSON[@]}" -d "$CREDS"
check "create: without trailing slash -> 200" 200 'set(b) == {"refresh", "access"}'

# --- tokens -----------------------------------------------------------------
export TOK=$ACCESS
check "access token: header, the page's nine claims + iat, values" - \
	'hdr(E["ACCESS"]) == {"alg": "HS256", "typ": "JWT"}' \
	'set(claims(E["ACCESS"])) == PAGE_CLAIMS | {"iat"}' \
	'claims(E["ACCESS"])["token_type"] == "access"' \
	"$CUSTOM" 'type(claims(E["ACCESS"])["user_id"]) is int' \
	'is_hex32(claims(E["ACCESS"])["jti"])' 'verify(E["ACCESS"])'
check "access token: exp - iat == 7200, iat == Date" - \
	'claims(E["ACCESS"])["exp"] - claims(E["ACCESS"])["iat"] == 7200' \
	'abs(claims(E["ACCESS"])["iat"] - int(E["CREATED_AT"])) <= 1'
export TOK=$REFRESH
check "refresh token: header, the page's nine claims + iat, values" - \
	'hdr(E["REFRESH"]) == {"alg": "HS256", "typ": "JWT"}' \
	'set(claims(E["REFRESH"])) == PAGE_CLAIMS | {"iat"}' \
	'claims(E["REFRESH"])["token_type"] == "refresh"' \
	"$CUSTOM" 'type(claims(E["REFRESH"])["user_id"]) is int' \
	'is_hex32(claims(E["REFRESH"])["jti"])' 'verify(E["REFRESH"])' \
	'claims(E["REFRESH"])["jti"] != claims(E["ACCESS"])["jti"]'
check "refresh token: exp - iat == 7776000, refresh.exp - access.exp == 7768800" - \
	'claims(E["REFRESH"])["exp"] - claims(E["REFRESH"])["iat"] == 7776000' \
	'claims(E["REFRESH"])["exp"] - claims(E["ACCESS"])["exp"] == 7768800'

# --- users/me -----------------------------------------------------------------
for base in "$B" "$P"; do
	call GET "$base/users/me/" -H "Authorization: JWT $ACCESS" "${JSON[@]}"
	check "me ${base#"$B"}/users/me/: JWT access -> 200 {id, email}" 200 \
		'b == {"id": 1, "email": E["ZS_EMAIL"]}' 'list(b) == ["id", "email"]'
done
# djoser's users routes (a stock DefaultRouter) need the slash; only its jwt
# routes make it optional. Django's CommonMiddleware (APPEND_SLASH) redirects.
call GET "$P/users/me" -H "Authorization: JWT $ACCESS"
check "me: without trailing slash -> 301 to the slash" 301 'h.get("location") == "/v1/zonesmart/users/me/"'
call GET "$B/users/me/"
check "me: no header -> 401 not provided" 401 "$NO_CREDS" "$WWW"
call GET "$B/users/me/" -H "Authorization: Bearer $ACCESS"
check "me: Bearer -> 401 not provided" 401 "$NO_CREDS" "$WWW"
call GET "$B/users/me/" -H "Authorization: jwt $ACCESS"
check "me: lowercase jwt -> 401 not provided" 401 "$NO_CREDS" "$WWW"
call GET "$B/users/me/" -H "Authorization: JWT"
check "me: JWT without token -> 401 bad_authorization_header" 401 \
	'b["code"] == "bad_authorization_header"' "$WWW"
call GET "$B/users/me/" -H "Authorization: JWT $REFRESH"
check "me: refresh token -> 401 token_not_valid" 401 "$NOT_VALID" "$WWW"
TAMPERED=$("$PY" -c 'import sys; h, p, s = sys.argv[1].split("."); print(h + "." + p + "." + ("A" if s[0] != "A" else "B") + s[1:])' "$ACCESS")
call GET "$B/users/me/" -H "Authorization: JWT $TAMPERED"
check "me: tampered signature -> 401 token_not_valid" 401 "$NOT_VALID" "$WWW"
BASE_CLAIMS='"token_type":"access","jti":"00000000000000000000000000000001","user_id":1'
call GET "$B/users/me/" -H "Authorization: JWT $(forge "{$BASE_CLAIMS,\"exp\":-60,\"iat\":-7260}")"
check "me: expired (forged with ZS_SIGNING_KEY) -> 401 token_not_valid" 401 "$NOT_VALID" "$WWW"
call GET "$B/users/me/" -H "Authorization: JWT $(forge "{$BASE_CLAIMS,\"exp\":600,\"iat\":0}" none)"
check "me: alg none -> 401 token_not_valid" 401 "$NOT_VALID" "$WWW"
call GET "$B/users/me/" -H "Authorization: JWT $(forge "{$BASE_CLAIMS,\"exp\":600,\"iat\":0}")"
check "me: valid token forged with ZS_SIGNING_KEY -> 200" 200 'b == {"id": 1, "email": E["ZS_EMAIL"]}'

# --- refresh ------------------------------------------------------------------
for base in "$B" "$P"; do
	call POST "$base/auth/jwt/refresh/" "${JSON[@]}" -d "{\"refresh\":\"$REFRESH\"}"
	check "refresh ${base#"$B"}/auth/jwt/refresh/: POST -> 200 {access} only" 200 'set(b) == {"access"}'
done
NEW_ACCESS=$(get access)
export NEW_ACCESS TOK=$NEW_ACCESS
check "refreshed access: claims, new jti, exp == Date + 7200, iat copied from refresh" 200 \
	'set(claims(E["NEW_ACCESS"])) == PAGE_CLAIMS | {"iat"}' "$CUSTOM" \
	'claims(E["NEW_ACCESS"])["token_type"] == "access"' 'verify(E["NEW_ACCESS"])' \
	'claims(E["NEW_ACCESS"])["jti"] not in (claims(E["ACCESS"])["jti"], claims(E["REFRESH"])["jti"])' \
	'abs(claims(E["NEW_ACCESS"])["exp"] - (date + 7200)) <= 1' \
	'claims(E["NEW_ACCESS"])["iat"] == claims(E["REFRESH"])["iat"]'
call GET "$B/users/me/" -H "Authorization: JWT $NEW_ACCESS"
check "me: refreshed access -> 200" 200 'b == {"id": 1, "email": E["ZS_EMAIL"]}'
call POST "$B/auth/jwt/refresh" "${JSON[@]}" -d "{\"refresh\":\"$REFRESH\"}"
check "refresh: without trailing slash, same refresh token again -> 200" 200 'set(b) == {"access"}'

if [[ $MODE == upstream ]]; then
	call GET "$B/auth/jwt/refresh/" "${JSON[@]}" -d "{\"refresh\":\"$REFRESH\"}"
	check "refresh: GET with JSON body -> 405" 405 "$ALLOW_POST" 'b == {"detail": "Method \"GET\" not allowed."}'
	call GET "$B/auth/jwt/refresh/"
	check "refresh: GET without body -> 405" 405 "$ALLOW_POST" 'b == {"detail": "Method \"GET\" not allowed."}'
else
	call GET "$B/auth/jwt/refresh/" "${JSON[@]}" -d "{\"refresh\":\"$REFRESH\"}"
	check "refresh: GET with JSON body (doc-literal) -> 200 {access}" 200 'set(b) == {"access"}' \
		'claims(b["access"])["token_type"] == "access"'
	call GET "$P/auth/jwt/refresh/" "${JSON[@]}" -d "{\"refresh\":\"$REFRESH\"}"
	check "refresh /v1/zonesmart: GET with JSON body (doc-literal) -> 200 {access}" 200 'set(b) == {"access"}'
	call GET "$B/auth/jwt/refresh/"
	check "refresh: GET without body (doc-literal) -> 400" 400 'b == {"refresh": ["This field is required."]}'
	call GET "$P/auth/jwt/create/"
	check "create: GET still -> 405 (doc-literal)" 405 "$ALLOW_POST"
fi
call POST "$B/auth/jwt/refresh/" "${JSON[@]}" -d "{\"refresh\":\"$ACCESS\"}"
check "refresh: access token -> 401 wrong type" 401 \
	'b == {"detail": "Token has wrong type", "code": "token_not_valid"}' "$WWW"
call POST "$B/auth/jwt/refresh/" "${JSON[@]}" -d '{"refresh":"garbage"}'
check "refresh: garbage -> 401 token_not_valid" 401 'b["code"] == "token_not_valid"' "$WWW"
call POST "$B/auth/jwt/refresh/" "${JSON[@]}" -d '{}'
check "refresh: {} -> 400" 400 'b == {"refresh": ["This field is required."]}'

echo "$MODE: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]

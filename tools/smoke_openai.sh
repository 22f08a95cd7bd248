#!/usr/bin/env bash
# Smoke test of a running nleanjit server with curl: models, chat, completion, embeddings,
# streaming, and the error shapes. Exits non-zero on the first mismatch.
#
#   tools/smoke_openai.sh                       # http://127.0.0.1:8000
#   NLEANJIT_API_KEY=KEY tools/smoke_openai.sh http://host:port
set -euo pipefail

BASE="${1:-${NLEANJIT_BASE:-http://127.0.0.1:8000}}"
BASE="${BASE%/}"; BASE="${BASE%/v1}"
AUTH=()
if [[ -n "${NLEANJIT_API_KEY:-}" ]]; then AUTH=(-H "Authorization: Bearer ${NLEANJIT_API_KEY}"); fi
BODY="$(mktemp)"; trap 'rm -f "$BODY"' EXIT
passed=0

# check NAME STATUS PATTERN METHOD PATH [JSON]: the status must match and the body contain PATTERN
check() {
  local name="$1" want_status="$2" pattern="$3" method="$4" path="$5" data="${6:-}"
  local args=(-sS -o "$BODY" -w '%{http_code}' -X "$method" "${AUTH[@]}" -H 'Content-Type: application/json')
  [[ -n "$data" ]] && args+=(--data-binary "$data")
  local status
  status="$(curl "${args[@]}" "$BASE$path")" || { echo "FAIL $name: curl could not reach $BASE$path"; exit 1; }
  if [[ "$status" != "$want_status" ]] || ! grep -qF -- "$pattern" "$BODY"; then
    echo "FAIL $name: expected HTTP $want_status with '$pattern', got HTTP $status:"
    head -c 600 "$BODY"; echo
    exit 1
  fi
  passed=$((passed + 1))
  echo "ok   $name"
}

check health 200 '"status":"ok"' GET /health
check models 200 '"object":"list"' GET /v1/models
# the first model of each kind, read from the listing
CHAT_MODEL="$(grep -o '"id":"[^"]*","object":"model","created":[0-9]*,"owned_by":"[^"]*","kind":"decoder"' "$BODY" | head -1 | sed 's/"id":"\([^"]*\)".*/\1/')"
EMBED_MODEL="$(grep -o '"id":"[^"]*","object":"model","created":[0-9]*,"owned_by":"[^"]*","kind":"encoder"' "$BODY" | head -1 | sed 's/"id":"\([^"]*\)".*/\1/')"
[[ -n "$CHAT_MODEL" && -n "$EMBED_MODEL" ]] || { echo "FAIL models: need a decoder and an encoder model"; exit 1; }
check model 200 "\"id\":\"$CHAT_MODEL\"" GET "/v1/models/$CHAT_MODEL"

MSG='[{"role":"user","content":"Prove 1 + 1 = 2."}]'
check chat 200 '"object":"chat.completion"' POST /v1/chat/completions \
  "{\"model\":\"$CHAT_MODEL\",\"messages\":$MSG,\"max_tokens\":8}"
grep -qF '"usage":{"prompt_tokens":' "$BODY" || { echo "FAIL chat: no usage"; exit 1; }
check completion 200 '"object":"text_completion"' POST /v1/completions \
  "{\"model\":\"$CHAT_MODEL\",\"prompt\":\"theorem foo\",\"max_tokens\":8,\"echo\":true}"
grep -qF '"text":"theorem foo' "$BODY" || { echo "FAIL completion: echo missing"; exit 1; }
check embeddings 200 '"object":"embedding"' POST /v1/embeddings \
  "{\"model\":\"$EMBED_MODEL\",\"input\":[\"a lemma\",\"a proof\"]}"
grep -qF '"index":1' "$BODY" || { echo "FAIL embeddings: second vector missing"; exit 1; }
check stream 200 'data: [DONE]' POST /v1/chat/completions \
  "{\"model\":\"$CHAT_MODEL\",\"messages\":$MSG,\"max_tokens\":4,\"stream\":true,\"stream_options\":{\"include_usage\":true}}"
grep -qF '"delta":{"role":"assistant"' "$BODY" || { echo "FAIL stream: no role delta"; exit 1; }
grep -qF '"object":"chat.completion.chunk"' "$BODY" || { echo "FAIL stream: no chunks"; exit 1; }
grep -qF '"choices":[],"usage":{' "$BODY" || { echo "FAIL stream: no usage chunk"; exit 1; }
check tokenize 200 '"tokens":[' POST /tokenize "{\"model\":\"$CHAT_MODEL\",\"prompt\":\"lemma\"}"

# error shapes
check bad-json 400 '"code":"invalid_json"' POST /v1/chat/completions '{"model":'
check missing-param 400 '"param":"messages"' POST /v1/chat/completions "{\"model\":\"$CHAT_MODEL\"}"
check bad-type 400 '"param":"temperature"' POST /v1/chat/completions \
  "{\"model\":\"$CHAT_MODEL\",\"messages\":$MSG,\"temperature\":\"hot\"}"
check unknown-model 404 '"code":"model_not_found"' POST /v1/chat/completions \
  "{\"model\":\"no-such-model\",\"messages\":$MSG}"
check context-length 400 '"code":"context_length_exceeded"' POST /v1/chat/completions \
  "{\"model\":\"$CHAT_MODEL\",\"messages\":$MSG,\"max_tokens\":100000000}"
check unknown-path 404 '"error":{"message"' GET /v1/nothing-here
check openapi 200 '"/v1/chat/completions"' GET /openapi.json

echo "smoke_openai: all $passed checks passed against $BASE"

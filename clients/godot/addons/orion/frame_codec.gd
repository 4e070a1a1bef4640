# Orion's wire format, shared by WebSocket text frames and UDP datagrams:
# `method:base64(JSON object)` (docs/protocol.md, "Frames"). Decoding never fails loudly:
# anything malformed gives null, so callers drop it silently as the protocol does.
extends Reference

const LETTERS := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const DIGITS := "0123456789"


static func encode(method: String, payload: Dictionary) -> String:
	return method + ":" + Marshalls.utf8_to_base64(JSON.print(payload))


# {"method": String, "payload": Dictionary}, or null for anything that is not a frame.
static func decode(text: String):
	var colon := text.find(":")
	if colon <= 0:
		return null
	var method := text.substr(0, colon)
	var encoded := text.substr(colon + 1, text.length() - colon - 1).strip_edges()
	# Checked before decoding, so that Marshalls never sees (and never logs about) bad input.
	if not _is_method(method) or not _is_base64(encoded):
		return null
	# Unpadded payloads are accepted, as Orion accepts them; a length of 4n+1 is never base64.
	if encoded.length() % 4 == 1 or (encoded.ends_with("=") and encoded.length() % 4 != 0):
		return null
	while encoded.length() % 4 != 0:
		encoded += "="
	var json := Marshalls.base64_to_utf8(encoded)
	# validate_json() reports quietly; JSON.parse() would log an engine error for bad input.
	if not validate_json(json).empty():
		return null
	var parsed := JSON.parse(json)
	if parsed.error != OK or typeof(parsed.result) != TYPE_DICTIONARY:
		return null
	return {"method": method, "payload": parsed.result}


# Plain character checks: Godot 3.2's RegEx logs an engine error on every search.
# ^[A-Za-z][A-Za-z0-9_]*$
static func _is_method(text: String) -> bool:
	if text.empty() or LETTERS.find(text[0]) < 0:
		return false
	return _only(text, LETTERS + DIGITS + "_")


# ^[A-Za-z0-9+/]*={0,2}$
static func _is_base64(text: String) -> bool:
	var body := text.rstrip("=")
	if text.length() - body.length() > 2:
		return false
	return _only(body, LETTERS + DIGITS + "+/")


static func _only(text: String, allowed: String) -> bool:
	for character in text:
		if allowed.find(character) < 0:
			return false
	return true

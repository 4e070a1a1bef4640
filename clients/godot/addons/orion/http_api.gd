# Orion's HTTP routes (docs/protocol.md, "HTTP routes"), one HTTPRequest child per call so
# that calls can overlap. Every answer comes back through one of two signals, with the
# `context` the caller passed (any value: what the call was for). Tokens only ever travel in
# request bodies, so `request` (e.g. "POST /lobbies/K7Q2Z/join") is safe to show or log.
extends Node

const REQUEST_TIMEOUT_S := 10

# A 2xx answer; `body` is the JSON object, or null for an empty body.
signal succeeded(context, body)
# Any other answer; `status` is 0 when Orion could not be reached or did not answer in time.
signal failed(context, status, errors, request)

var _base_url := ""


func set_base_url(base_url: String) -> void:
	_base_url = base_url.rstrip("/")


func get_json(context, path: String) -> int:
	return _request(context, HTTPClient.METHOD_GET, path, null)


func post_json(context, path: String, body: Dictionary) -> int:
	return _request(context, HTTPClient.METHOD_POST, path, body)


func patch_json(context, path: String, body: Dictionary) -> int:
	return _request(context, HTTPClient.METHOD_PATCH, path, body)


func _request(context, method: int, path: String, body) -> int:
	# The query (filters) is left out of `request`, as the SDK does: only the method and route.
	var described := _method_name(method) + " " + path.split("?")[0]
	var http := HTTPRequest.new()
	http.timeout = REQUEST_TIMEOUT_S
	add_child(http)
	http.connect("request_completed", self, "_on_completed", [context, described, http])
	var headers := PoolStringArray()
	var data := ""
	if body != null:
		headers.append("Content-Type: application/json")
		data = JSON.print(body)
	var error := http.request(_base_url + path, headers, true, method, data)
	if error != OK:
		http.queue_free()
	return error


func _on_completed(
		result: int, status: int, _headers, body: PoolByteArray,
		context, described: String, http: HTTPRequest) -> void:
	http.queue_free()
	if result != HTTPRequest.RESULT_SUCCESS:
		var why := "Orion at %s did not answer %s (HTTPRequest result %d)." % [_base_url, described, result]
		emit_signal("failed", context, 0, [why], described)
		return
	var parsed = _parse(body)
	if status >= 200 and status < 300:
		if body.empty() or typeof(parsed) == TYPE_DICTIONARY:
			emit_signal("succeeded", context, parsed)
		else:
			emit_signal("failed", context, status, ["The server's answer is not a JSON object."], described)
	else:
		emit_signal("failed", context, status, _errors_of(parsed, status), described)


static func _method_name(method: int) -> String:
	match method:
		HTTPClient.METHOD_GET:
			return "GET"
		HTTPClient.METHOD_PATCH:
			return "PATCH"
	return "POST"


static func _parse(body: PoolByteArray):
	if body.empty():
		return null
	var text := body.get_string_from_utf8()
	# validate_json() reports quietly; JSON.parse() would log an engine error for a non-JSON body.
	if not validate_json(text).empty():
		return null
	return JSON.parse(text).result


# The `errors` sentences of Orion's error body, or one sentence saying what came back instead.
static func _errors_of(parsed, status: int) -> Array:
	if typeof(parsed) == TYPE_DICTIONARY and typeof(parsed.get("errors")) == TYPE_ARRAY:
		var errors: Array = parsed.errors
		if not errors.empty():
			return errors
	return ["The server answered %d without Orion's errors." % status]

# The client against an address where nothing listens (--url): connecting must end in
# connection_failed and an HTTP call in request_failed with status 0, each within --timeout-ms,
# instead of waiting forever. Exits 0 when both arrived.
extends SceneTree

const OrionClient = preload("res://addons/orion/orion_client.gd")
const TestArgs = preload("res://tests/test_args.gd")
const TestReport = preload("res://tests/test_report.gd")

var report = TestReport.new()
var client: OrionClient
var deadline_ms := 0
var done := false


func _initialize() -> void:
	var args := TestArgs.parse(OS.get_cmdline_args())
	deadline_ms = OS.get_ticks_msec() + int(args.get("timeout-ms", "10000"))
	Engine.target_fps = 200
	client = OrionClient.new()
	root.add_child(client)
	client.connect("connection_failed", self, "_on_connection_failed")
	client.connect("request_failed", self, "_on_request_failed")
	client.connect("registered", self, "_on_registered")
	report.expect(["connection_failed", "request_failed"])
	var error: int = client.connect_to_server(args.get("url", ""))
	if error != OK:
		_finish("connect_to_server returned error %d" % error)
		return
	client.list_lobbies()


func _idle(_delta: float) -> bool:
	if not done and OS.get_ticks_msec() > deadline_ms:
		_finish("timed out")
	return false


func _on_connection_failed(url: String) -> void:
	report.event("connection_failed", {"url": url})
	report.met("connection_failed")
	_finish_if_done()


func _on_request_failed(status: int, errors: Array, request: String) -> void:
	report.event("request_failed", {"status": status, "errors": errors, "request": request})
	report.met("request_failed")
	_finish_if_done()


func _on_registered() -> void:
	_finish("registered with nothing listening")


func _finish_if_done() -> void:
	if report.all_met():
		_finish("")


func _finish(failure: String) -> void:
	if done:
		return
	done = true
	report.outcome(failure)
	client.close()
	quit(0 if failure.empty() else 1)

# Drives the example lobby screen like a player would, against a real Orion given as --url:
# press Connect, press Host, send a chat line, and see each answer show up on the screen.
# Prints ORION_TEST lines; exits 0 when every step showed its answer, 1 on a timeout.
extends SceneTree

const TestArgs = preload("res://tests/test_args.gd")
const TestReport = preload("res://tests/test_report.gd")

var report = TestReport.new()
var screen: Control
var steps := []
var deadline_ms := 0
var done := false


func _initialize() -> void:
	var args := TestArgs.parse(OS.get_cmdline_args())
	deadline_ms = OS.get_ticks_msec() + int(args.get("timeout-ms", "10000"))
	Engine.target_fps = 200
	screen = load("res://example/lobby_screen.tscn").instance()
	root.add_child(screen)
	screen.get_node("Rows/Server/Url").text = args.get("url", "")
	screen.get_node("Rows/Names/Player").text = "Smoke"
	screen.get_node("Rows/Names/Lobby").text = "Smoke Test"
	# Each step: what to press, then the status or chat text that proves it worked.
	steps = [
		["Rows/Server/Connect", "Rows/Status", "Connected."],
		["Rows/Actions/Host", "Rows/Status", "Hosting Smoke Test, code "],
		["Rows/Say/Send", "Rows/Chat", "Smoke: ready"],
	]
	report.expect(["Connect", "Host", "Send"])
	_press_next()


func _idle(_delta: float) -> bool:
	if done:
		return false
	var step: Array = steps[0]
	var shown: String = screen.get_node(step[1]).text
	if shown.find(step[2]) >= 0:
		report.event("step", {"pressed": step[0], "shown": shown.strip_edges()})
		report.met(step[0].get_file())
		steps.pop_front()
		if steps.empty():
			_finish(0)
			return false
		_press_next()
	elif OS.get_ticks_msec() > deadline_ms:
		report.event("failed", {"why": "timed out", "missing": report.missing(), "shown": shown})
		_finish(1)
	return false


func _press_next() -> void:
	if steps[0][0] == "Rows/Say/Send":
		screen.get_node("Rows/Say/Line").text = "ready"
	screen.get_node(steps[0][0]).emit_signal("pressed")


func _finish(code: int) -> void:
	done = true
	if code == 0:
		report.event("done")
	screen.get_node("Orion").close()
	quit(code)

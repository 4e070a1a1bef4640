# The waits between reconnection tries: exponential (initial, twice that, and so on up to the
# maximum), each drawn at random from the upper half of its step, so that clients that dropped
# together do not all come back at the same moment.
extends Reference

# Past this many doublings every step is the maximum anyway; it also keeps 2^n in range.
const MAX_DOUBLINGS := 20

var _initial_ms: int
var _max_ms: int
var _tries := 0
var _rng := RandomNumberGenerator.new()


func _init(initial_ms: int, max_ms: int) -> void:
	_initial_ms = int(max(1, initial_ms))
	_max_ms = int(max(_initial_ms, max_ms))
	_rng.randomize()


# The wait before the next try; each call is one try further.
func next_delay_ms() -> int:
	var step := _max_ms
	if _tries < MAX_DOUBLINGS:
		step = int(min(_max_ms, _initial_ms * (1 << _tries)))
	_tries += 1
	return _rng.randi_range(int(ceil(step * 0.5)), step)

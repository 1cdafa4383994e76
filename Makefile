# Shortcuts for dev.py, which needs only Python 3.
.PHONY: run test bench
run:
	python3 dev.py run
test:
	python3 dev.py test
bench:
	python3 dev.py test --co -q >/dev/null  # makes sure .venv has the dev requirements
	.venv/bin/python -m bench.plan_course --db postgresql
	.venv/bin/python -m bench.plan_course --db sqlite
	.venv/bin/python -m bench.booking_load
	.venv/bin/python -m bench.dispatch_rate --db postgresql
	.venv/bin/python -m bench.due_query --waiting 1000000
	.venv/bin/python -m bench.apscheduler_baseline
	.venv/bin/python -m bench.faults

# Shortcuts for dev.py, which needs only Python 3.
.PHONY: run test bench
run:
	python3 dev.py run
test:
	python3 dev.py test

"""Makefiles as make reads them: ``$(shell ...)`` runs its command when the variable is
set, and a recipe's automatic variables (``$<``, ``$^``) are make's, not the shell's."""

from __future__ import annotations

from conftest import check_transformed, run

H = "https://tdm.acme.com"
API = f"API := {H}/api/v1/$(P)\nCURL := curl -fsS -H \"Authorization: Bearer $(TOKEN)\"\n"


def test_shell_in_a_simply_expanded_assignment_migrates(settings):
    source = API + "NAME := $(shell $(CURL) \"$(API)/info\" | jq -r .name)\n\ninfo:\n\t@echo $(NAME)\n"
    check_transformed(
        source,
        source.replace("/api/v1/$(P)", "/api/v2/projects/$(P)").replace('"$(API)/info"', '"$(API)"'),
        settings,
        "makefile",
    )


def test_a_recipe_reading_its_first_prerequisite_migrates(settings):
    source = API + "build/meta.json: build/task_id\n\tfor i in 1 2; do \\\n\t  $(CURL) \"$(API)/task/$$(cat $<)\" > $@; \\\n\tdone\n"
    check_transformed(
        source,
        source.replace("/api/v1/$(P)", "/api/v2/projects/$(P)").replace("/task/$$(cat $<)", "/tasks/$$(cat $<)/metadata"),
        settings,
        "makefile",
    )


def test_a_held_base_names_the_calls_in_shell_assignments_and_loops(settings):
    source = (
        API
        + "FILES := $(shell $(CURL) \"$(API)/files\" | jq -r '.files[].name')\n\n"
        + "gen:\n\t$(CURL) -X POST -d '{}' \"$(API)/generate\" | jq -r .task_id > $@\n"
        + "meta: gen\n\tfor i in 1 2; do $(CURL) \"$(API)/task/$$(cat $<)\"; done\n"
        + "list:\n\techo $(FILES)\n"
    )
    result = run(source, settings, "makefile")
    held = [f for f in result.findings if f.rule == "DM003" and f.line == 1]
    assert held and "line 3, 6, 8" in held[0].message, [f.message for f in result.findings]

// The pages work without this script; it only adds comforts.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before a change that cannot be undone (cancel a session or a course, deactivate staff).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Fill in a course's rules from the treatment's protocol as soon as it is chosen (the server
  // does the same on the next submit, when rules_from shows they were for another choice).
  const rules = document.getElementById("course-rules");
  if (rules) {
    const form = rules.closest("form");
    const usual = JSON.parse(rules.dataset.usualRules);
    const fillRules = () => {
      const treatment = form.elements.treatment_type_id.value;
      const kind = form.elements.kind.value;
      rules.querySelectorAll("[data-kind]").forEach((row) => { row.hidden = row.dataset.kind !== kind; });
      if (!usual[treatment]) return;
      const forAnother = form.elements.rules_from.value !== "";  // else keep what was typed
      for (const [rule, value] of Object.entries(usual[treatment])) {
        const shown = rule === "sessions" && kind !== "induction" ? null : value;
        if (forAnother || form.elements[rule].value === "") form.elements[rule].value = shown ?? "";
      }
      form.elements.rules_from.value = `${treatment}/${kind}`;
    };
    form.elements.treatment_type_id.addEventListener("change", fillRules);
    form.elements.kind.addEventListener("change", fillRules);
  }
  // Take keyboard and screen-reader users straight to what needs correcting.
  const problems = document.querySelector(".problems");
  if (problems) problems.focus();
});

// settings slice (issue 14): in the clinic's weekly hours grid, a time chosen for a day marked
// closed opens it, and marking a day closed clears its times, so "closed" and the times never
// disagree (without the script the server asks which was meant).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.hours-grid tbody tr").forEach((day) => {
    const closed = day.querySelector("input[type=checkbox]");
    const times = day.querySelectorAll("select");
    if (!closed) return;
    times.forEach((time) => time.addEventListener("change", () => {
      if (time.value) closed.checked = false;
    }));
    closed.addEventListener("change", () => {
      if (closed.checked) times.forEach((time) => { time.value = ""; });
    });
  });
});

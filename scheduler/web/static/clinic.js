// The pages work without this script; it only adds two comforts.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before a change that cannot be undone (cancel a session or a course, deactivate staff).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Take keyboard and screen-reader users straight to what needs correcting.
  const problems = document.querySelector(".problems");
  if (problems) problems.focus();
});

// From the demo.blog package: proves scripts are served from a package's static/.
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("script-status");
  if (status) status.textContent = "blog/app.js loaded";
});

// Progressive enhancement: while a return is being checked, update its progress in place.
// Without JavaScript the page offers a "Check progress" link instead.
const region = document.querySelector("[data-return-progress]");
if (region) {
  const url = region.getAttribute("data-return-progress");
  const text = region.querySelector("[data-progress-text]");
  const poll = async () => {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const state = await response.json();
    text.textContent = `${state.label}: ${state.progress}% done`;
    if (["received", "validating"].includes(state.status)) {
      window.setTimeout(poll, 1500);
    } else {
      window.location.reload();
    }
  };
  window.setTimeout(poll, 1500);
}

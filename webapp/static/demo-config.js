// The optional settings a clinic may give the widget; every one has a default. Settings the page
// already set win, so the same demo page can be pointed at another server.
window.VertebroplastyGuideConfig = Object.assign(
  {
    title: "Vertebroplasty guide",
    colours: { primary: "#0b4f8a", onPrimary: "#ffffff" },
    labels: { open: "Questions about vertebroplasty?", send: "Send" },
  },
  window.VertebroplastyGuideConfig
);

(function () {
  var selects = ["status", "rule", "file"].map(function (name) { return document.getElementById("filter-" + name); });
  function apply() {
    var want = selects.map(function (s) { return s.value; });
    var shown = 0;
    document.querySelectorAll(".finding[data-rule]").forEach(function (row) {
      var ok = (!want[0] || row.dataset.status === want[0]) && (!want[1] || row.dataset.rule === want[1]) && (!want[2] || row.dataset.file === want[2]);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.querySelectorAll("section.file").forEach(function (section) {
      var rows = section.querySelectorAll(".finding[data-rule]");
      var visible = section.querySelectorAll(".finding[data-rule]:not([hidden])").length;
      section.hidden = (want[2] && section.dataset.file !== want[2]) || (rows.length > 0 && visible === 0);
    });
    document.getElementById("shown-count").textContent = shown;
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
})();

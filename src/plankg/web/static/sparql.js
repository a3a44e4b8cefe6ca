/* The query page: YASGUI pointed at this endpoint, the project's named queries as examples.
 * Everything that would call outside services is switched off: vocabulary autocompletion from
 * Linked Open Vocabularies, prefix look-ups at prefix.cc (the bundled prefix list is used), the
 * endpoint catalogue's suggestions of other endpoints, shortened links. */
(function () {
  "use strict";
  var Yasgui = window.Yasgui && (window.Yasgui.default || window.Yasgui.Yasgui || window.Yasgui);
  var root = document.getElementById("yasgui");
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var endpoint = new URL(root.dataset.endpoint, window.location.href).href;

  var text = JSON.parse(document.getElementById("sparql-text").textContent);
  // An error from the endpoint in words: its title, the line and column, the server's explanation.
  Yasgui.Yasr.defaults.errorRenderers = [function (error) {
    var found = {};
    try { found = JSON.parse(error.text || "{}"); } catch (e) { found = { message: error.text || "" }; }
    var box = document.createElement("div");
    box.className = "problem";
    box.setAttribute("role", "alert");
    var title = document.createElement("h3");
    title.textContent = found.line ? text.syntax : (text.failed + " (" + (error.status || "") + ")");
    box.appendChild(title);
    if (found.line) {
      box.dataset.line = found.line;
      box.dataset.column = found.column;
      var where = document.createElement("p");
      where.textContent = text.where.replace("{line}", found.line).replace("{column}", found.column);
      box.appendChild(where);
    }
    var detail = document.createElement("p");
    detail.lang = "en";
    var code = document.createElement("code");
    code.textContent = found.message || error.statusText || "";
    detail.appendChild(code);
    box.appendChild(detail);
    return Promise.resolve(box);
  }];
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  Yasgui.Yasqe.defaults.createShortLink = undefined;

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    corsProxy: undefined,
    yasqe: { value: examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
    yasr: { pluginOrder: ["table", "response"], defaultPlugin: "table" }
  });
  window.plankgYasgui = yasgui;

  /* YASGUI's own fields get names a screen reader can say (its markup has none). */
  function nameFields() {
    root.querySelectorAll("input.autocomplete").forEach(function (input) { input.setAttribute("aria-label", text.endpoint); });
    root.querySelectorAll(".CodeMirror textarea").forEach(function (area) { area.setAttribute("aria-label", text.editor); });
    root.querySelectorAll(".tab a[role=tab] input").forEach(function (input) { input.setAttribute("aria-label", text.tab_name); });
  }
  nameFields();
  yasgui.on("tabAdd", function () { window.setTimeout(nameFields, 0); });

  document.querySelectorAll("button[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = examples.filter(function (e) { return e.name === button.dataset.example; })[0];
      var tab = yasgui.getTab();
      tab.setEndpoint(endpoint);
      tab.setQuery(example.query);
      tab.getYasqe().query();
    });
  });
  root.dataset.ready = "true";
})();

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

/* plankg maps: territories drawn from plankg's own GeoJSON with Leaflet, no tiles, nothing from outside.
 *
 * A map element says what to draw:
 *   data-mode="overview"  all municipalities, coloured by the cooperations they belong to on the chosen day;
 *   data-mode="place"     one municipality or region, and (for a municipality) its neighbours;
 *   data-mode="members"   a cooperation's members;
 *   data-mode="all"       every place of a list (/doc/kommune, /doc/region), each a link to its page.
 * data-source is the GeoJSON to draw; the texts come from the JSON block #map-text.
 */
(function () {
  "use strict";

  var PALETTE = ["#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d"];
  var NONE = "#f4f1ea";
  var SEVERAL = "#444444";
  var NEIGHBOUR = "#c9c9c9";

  /* The rule of queries/members-on-date.rq: from the beginning (else from a day a source shows the
   * membership held) until the end, comparing the day at the precision each date is given in. */
  function holdsOn(membership, day) {
    var anchor = membership.from || membership.seen;
    if (!anchor || day.slice(0, anchor.length) < anchor) return false;
    return !membership.to || day.slice(0, membership.to.length) <= membership.to;
  }

  function cooperationsOn(feature, day) {
    var found = [];
    feature.properties.memberships.forEach(function (m) {
      if (holdsOn(m, day) && found.indexOf(m.cooperation) < 0) found.push(m.cooperation);
    });
    return found;
  }

  /* "Today" is the server's day (its setting, else its real date), so the map and the pages agree. */
  function today() {
    var day = document.documentElement.dataset.today;
    if (day) return day;
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  /* The rule of queries/region-on-date.rq: a region lives from its beginning to its end (if any),
   * compared at the precision each date is given in. */
  function livesOn(entry, day) {
    if (!entry.from || day.slice(0, entry.from.length) < entry.from) return false;
    return !entry.to || day.slice(0, entry.to.length) <= entry.to;
  }

  function regionOn(feature, day) {
    var living = (feature.properties.regions || []).filter(function (r) { return livesOn(r, day); });
    return living.length ? living[0] : null;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function withLang(href, lang) {
    return href ? href + (href.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(lang) : href;
  }

  function nameOf(names, lang) {
    return (names && (names[lang] || names.da || names.en)) || "";
  }

  function newMap(container) {
    // No tile layer and no attribution prefix linking out: the territories are the whole map.
    return L.map(container, { attributionControl: false, zoomSnap: 0.25, preferCanvas: false });
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  function tooltip(feature, lines) {
    var box = element("div", "map-tooltip");
    box.appendChild(element("strong", "", feature.properties.name + " (" + feature.properties.code + ")"));
    lines.forEach(function (line) {
      box.appendChild(element("br"));
      box.appendChild(document.createTextNode(line));
    });
    return box;
  }

  function overview(container, text, lang) {
    var map = newMap(container);
    var dateInput = document.getElementById("dato");
    var legend = document.getElementById("legend");
    var status = document.getElementById("map-status");
    var params = new URLSearchParams(window.location.search);
    dateInput.value = params.get("dato") || today();
    getJSON(container.dataset.source).then(function (collection) {
      var colours = {};
      var names = {};
      var pages = {};
      collection.cooperations.forEach(function (c, index) {
        colours[c.uri] = PALETTE[index % PALETTE.length];
        names[c.uri] = nameOf(c.names, lang);
        pages[c.uri] = c.page;
      });
      function colourOn(feature, day) {
        var held = cooperationsOn(feature, day);
        if (held.length === 0) return NONE;
        return held.length === 1 ? colours[held[0]] : SEVERAL;
      }
      var layer = L.geoJSON(collection, {
        style: function (feature) {
          return {
            className: "kommune kommune-" + feature.properties.code,
            color: "#555555", weight: 0.7, fillOpacity: 0.85,
            fillColor: colourOn(feature, dateInput.value)
          };
        },
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(function () {
            var day = dateInput.value || today();
            var held = cooperationsOn(feature, day).map(function (c) { return names[c]; });
            var region = regionOn(feature, day);
            var lines = held.length ? held : [text.none];
            return tooltip(feature, lines.concat(region ? [nameOf(region.names, lang)] : []));
          }, { sticky: true });
          shape.on("click", function () { window.location.href = withLang(feature.properties.page, lang); });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());

      /* The regions as they are on the chosen day: their borders, drawn over the municipalities. */
      var regionLayer = null;
      var regionStatus = document.getElementById("region-status");
      function drawRegions(day) {
        return getJSON(container.dataset.regions + "?dato=" + encodeURIComponent(day)).then(function (regions) {
          if (regionLayer) map.removeLayer(regionLayer);
          regionLayer = L.geoJSON(regions, {
            interactive: false,
            style: function (f) {
              return { className: "region-graense region-" + (f.properties.code || "uden-kode"), color: "#1a1a1a", weight: 2.4, fill: false };
            }
          }).addTo(map);
          var labels = regions.features.map(function (f) { return nameOf(f.properties.names, lang); });
          regionStatus.textContent = text.regions_on + " " + day + ": " + labels.length + " — " + labels.join(", ");
          container.dataset.regionsOn = day;
        });
      }

      function drawLegend(day) {
        legend.textContent = "";
        var counts = {};
        var none = 0;
        var several = 0;
        collection.features.forEach(function (feature) {
          var held = cooperationsOn(feature, day);
          held.forEach(function (c) { counts[c] = (counts[c] || 0) + 1; });
          if (held.length === 0) none += 1;
          if (held.length > 1) several += 1;
        });
        function item(colour, label, href, count, uri) {
          var li = element("li");
          if (uri) li.dataset.cooperation = uri;
          var swatch = element("span", "swatch");
          swatch.style.background = colour;
          li.appendChild(swatch);
          if (href) {
            var link = element("a", "", label);
            link.href = withLang(href, lang);
            li.appendChild(link);
          } else {
            li.appendChild(document.createTextNode(label));
          }
          li.appendChild(document.createTextNode(" — " + count + " " + text.municipalities_on));
          legend.appendChild(li);
        }
        collection.cooperations.forEach(function (c) {
          item(colours[c.uri], names[c.uri], pages[c.uri], counts[c.uri] || 0, c.uri);
        });
        if (several) item(SEVERAL, text.several, null, several);
        item(NONE, text.none, null, none);
        status.textContent = text.shown_on + " " + day;
      }

      function redraw() {
        var day = dateInput.value || today();
        layer.setStyle(function (feature) { return { fillColor: colourOn(feature, day) }; });
        drawLegend(day);
        drawRegions(day);
        params.set("dato", day);
        window.history.replaceState(null, "", "?" + params.toString());
      }
      dateInput.addEventListener("change", redraw);
      dateInput.addEventListener("input", redraw);
      document.querySelectorAll("button[data-day]").forEach(function (button) {
        button.addEventListener("click", function () {
          dateInput.value = button.dataset.day || today();
          redraw();
        });
      });
      drawLegend(dateInput.value);
      return drawRegions(dateInput.value).then(function () { container.dataset.ready = "true"; });
    }).catch(function (error) {
      status.textContent = text.failed + " " + error.message;
    });
  }

  function place(container, text, lang) {
    var map = newMap(container);
    getJSON(container.dataset.source).then(function (feature) {
      var neighbours = (feature.properties.neighbours || []).map(function (n) { return getJSON(n.geojson); });
      return Promise.all(neighbours).then(function (others) {
        var group = L.featureGroup().addTo(map);
        L.geoJSON(others, {
          style: function (f) {
            return { className: "nabo kommune-" + f.properties.code, color: "#777777", weight: 0.7, fillColor: NEIGHBOUR, fillOpacity: 0.6 };
          },
          onEachFeature: function (f, shape) {
            shape.bindTooltip(tooltip(f, [text.neighbour]), { sticky: true });
            shape.on("click", function () { window.location.href = withLang(f.properties.page, lang); });
          }
        }).addTo(group);
        var self = L.geoJSON(feature, {
          style: { className: "selv kommune-" + feature.properties.code, color: "#1b5e6b", weight: 2, fillColor: PALETTE[0], fillOpacity: 0.8 }
        }).addTo(group);
        self.bindTooltip(tooltip(feature, []), { sticky: true });
        map.fitBounds(feature.properties.neighbours && others.length ? group.getBounds() : self.getBounds());
        container.dataset.ready = "true";
      });
    }).catch(function (error) { container.textContent = text.failed + " " + error.message; });
  }

  function members(container, text, lang) {
    var map = newMap(container);
    var day = today();
    getJSON(container.dataset.source).then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: function (f) {
          var now = cooperationsOn(f, day).indexOf(collection.id) >= 0;
          return {
            className: "medlem kommune-" + f.properties.code, color: "#555555", weight: 0.8,
            fillColor: now ? PALETTE[1] : NEIGHBOUR, fillOpacity: 0.85
          };
        },
        onEachFeature: function (f, shape) {
          var lines = f.properties.memberships.filter(function (m) { return m.cooperation === collection.id; }).map(function (m) {
            return (m.from ? text.from + " " + m.from : m.seen ? text.seen + " " + m.seen : "") + (m.to ? " " + text.to + " " + m.to : "");
          });
          shape.bindTooltip(tooltip(f, lines), { sticky: true });
          shape.on("click", function () { window.location.href = withLang(f.properties.page, lang); });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      container.dataset.ready = "true";
    }).catch(function (error) { container.textContent = text.failed + " " + error.message; });
  }

  function all(container, text, lang) {
    var map = newMap(container);
    getJSON(container.dataset.source).then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: function (f) {
          return { className: "sted kommune-" + f.properties.code, color: "#555555", weight: 0.7, fillColor: PALETTE[0], fillOpacity: 0.5 };
        },
        onEachFeature: function (f, shape) {
          shape.bindTooltip(tooltip(f, []), { sticky: true });
          shape.on("click", function () { window.location.href = withLang(f.properties.page, lang); });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      container.dataset.ready = "true";
    }).catch(function (error) { container.textContent = text.failed + " " + error.message; });
  }

  function start() {
    var textNode = document.getElementById("map-text");
    var text = textNode ? JSON.parse(textNode.textContent) : {};
    var lang = document.documentElement.lang || "da";
    document.querySelectorAll(".map[data-source]").forEach(function (container) {
      var mode = container.dataset.mode;
      if (mode === "overview") overview(container, text, lang);
      else if (mode === "members") members(container, text, lang);
      else if (mode === "all") all(container, text, lang);
      else place(container, text, lang);
    });
  }

  window.plankgMap = { holdsOn: holdsOn, livesOn: livesOn };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// The NOC dashboard: small uPlot charts in every panel, and (on the staff page) one socket that brings each
// delta's re-rendered panels as htmx out-of-band swaps, reconnecting with backoff from the last sequence number.
(function () {
  "use strict";
  var COLOURS = ["#1f6feb", "#1a7f37", "#cf222e", "#9a6700"];

  function formatted(unit, value) {
    if (value == null) return "—";
    if (unit !== "bps") return String(Math.round(value * 10) / 10);
    var scales = [[1e9, "G"], [1e6, "M"], [1e3, "k"]];
    for (var i = 0; i < scales.length; i++) {
      if (value >= scales[i][0]) return (value / scales[i][0]).toPrecision(3) + " " + scales[i][1] + "b/s";
    }
    return Math.round(value) + " b/s";
  }

  function drawCharts(root) {
    if (typeof uPlot === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (box) {
      if (box.dataset.drawn) return;
      var spec = JSON.parse(box.querySelector("script").textContent);
      var unit = box.dataset.chart;
      var series = [{}].concat(spec.series.map(function (line, i) {
        return {label: line.label, stroke: COLOURS[i % COLOURS.length], width: 2,
                value: function (u, v) { return formatted(unit, v); }};
      }));
      var axes = [{}, {size: 70, values: function (u, ticks) { return ticks.map(function (v) { return formatted(unit, v); }); }}];
      new uPlot({width: Math.max(box.clientWidth, 240), height: 120, series: series, axes: axes},
                [spec.x].concat(spec.series.map(function (line) { return line.values; })), box);
      box.dataset.drawn = "true";
    });
  }

  function follow(board) {
    var seq = parseInt(board.dataset.seq, 10) || 0;
    var failures = 0;
    var badge = document.querySelector("[data-connection]");
    function show(connected) {
      board.dataset.connected = connected ? "true" : "false";
      if (badge) {
        badge.textContent = connected ? board.dataset.online : board.dataset.offline;
        badge.className = "badge " + (connected ? "ok" : "warn");
      }
    }
    function open() {
      var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + board.dataset.live);
      socket.onopen = function () {
        failures = 0;
        socket.send(JSON.stringify({since: seq}));
        show(true);
      };
      socket.onmessage = function (event) {
        if (event.data.charAt(0) === "{") {
          var message = JSON.parse(event.data);
          seq = message.seq;
          board.dataset.seq = seq;
          document.dispatchEvent(new CustomEvent("dashboard:delta", {detail: message}));
          return;
        }
        htmx.swap(document.body, event.data, {swapStyle: "none"});
        drawCharts(board);
      };
      socket.onclose = function () {
        show(false);
        // Exponential backoff with jitter, so a restarted server is not met by every wall screen at once.
        var delay = Math.min(30000, 500 * Math.pow(2, failures++)) * (0.5 + Math.random() / 2);
        setTimeout(open, delay);
      };
    }
    open();
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    var board = document.getElementById("dashboard");
    if (board && board.dataset.live) follow(board);
  });
  document.addEventListener("htmx:afterSettle", function () { drawCharts(document); });
})();

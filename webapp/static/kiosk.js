/*
 * The waiting-room kiosk: topics as big buttons, an on-screen keyboard for typed questions, and privacy
 * on a shared screen. After `idle` seconds without a touch it asks "Are you still there?"; if nobody
 * answers within `warning` seconds it clears the conversation and starts a new conversation id. Both come
 * from the server (KIOSK_IDLE_SECONDS, KIOSK_WARNING_SECONDS) and can be overridden in the URL:
 * /kiosk?idle=120&warning=30.
 */
(function () {
  "use strict";

  var body = document.body;
  var query = new URLSearchParams(window.location.search);

  function seconds(name, attribute, fallback) {
    var candidates = [query.get(name), body.getAttribute(attribute)];
    for (var i = 0; i < candidates.length; i += 1) {
      var value = parseFloat(candidates[i]);
      if (isFinite(value) && value > 0) return value;
    }
    return fallback;
  }

  var idleMs = seconds("idle", "data-idle-seconds", 120) * 1000;
  var warningMs = seconds("warning", "data-warning-seconds", 30) * 1000;

  var start = document.getElementById("start");
  var startTitle = document.getElementById("start-title");
  var chatSection = document.getElementById("chat");
  var keyboard = document.getElementById("keyboard");
  var toggleKeyboard = document.getElementById("toggle-keyboard");
  var overlay = document.getElementById("idle");
  var count = document.getElementById("idle-count");
  var continueButton = document.getElementById("idle-continue");
  var qrUrls = [];

  var chat = window.VertebroplastyGuide.createChat(document.getElementById("chat-body"), {
    serverUrl: window.location.origin,
    senderPrefix: "kiosk",
    topics: [],
    labels: {
      placeholder: "Type your question here",
      inputLabel: "Your question",
      staffAlert: "Tell a member of staff now",
    },
    onQuestionList: addTakeHome,
  });

  function showChat() {
    start.hidden = true;
    chatSection.hidden = false;
  }

  function showStart() {
    chatSection.hidden = true;
    start.hidden = false;
  }

  function setKeyboard(visible) {
    keyboard.hidden = !visible;
    toggleKeyboard.setAttribute("aria-expanded", visible ? "true" : "false");
    toggleKeyboard.textContent = visible ? "Hide keyboard" : "Show keyboard";
  }

  Array.prototype.forEach.call(document.querySelectorAll(".k-topic"), function (button) {
    button.addEventListener("click", function () {
      showChat();
      chat.say(button.getAttribute("data-payload"), button.textContent);
    });
  });

  document.getElementById("type-question").addEventListener("click", function () {
    showChat();
    setKeyboard(true);
    chat.input.focus();
  });

  document.getElementById("back-to-topics").addEventListener("click", function () {
    showStart();
    startTitle.focus();
  });

  toggleKeyboard.addEventListener("click", function () {
    setKeyboard(keyboard.hidden);
  });

  document.getElementById("start-over").addEventListener("click", clearAll);

  /* The on-screen keyboard: a touch screen in a waiting room may have no keyboard at all. */
  function buildKeyboard() {
    var rows = ["1234567890", "qwertyuiop", "asdfghjkl'", "zxcvbnm,.?"];
    rows.forEach(function (letters) {
      var row = document.createElement("div");
      row.className = "k-row";
      letters.split("").forEach(function (letter) {
        row.appendChild(key(letter, letter, function () {
          insert(letter);
        }));
      });
      keyboard.appendChild(row);
    });
    var last = document.createElement("div");
    last.className = "k-row";
    last.appendChild(key("Delete", "Delete the last letter", function () {
      chat.input.value = chat.input.value.slice(0, -1);
    }, "k-key-wide"));
    last.appendChild(key("Space", "Space", function () {
      insert(" ");
    }, "k-key-space"));
    last.appendChild(key("Send", "Send the question", function () {
      chat.input.form.requestSubmit();
    }, "k-key-wide k-key-send"));
    keyboard.appendChild(last);
  }

  function key(text, label, action, extra) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "k-key" + (extra ? " " + extra : "");
    button.textContent = text;
    if (label !== text) button.setAttribute("aria-label", label);
    button.addEventListener("click", action);
    return button;
  }

  function insert(text) {
    var input = chat.input;
    if (input.value.length + text.length <= input.maxLength) input.value += text;
  }

  /* The question list can go home as a QR code of its plain text (made on our server) or on paper. */
  function addTakeHome(section, plainText) {
    Array.prototype.forEach.call(document.querySelectorAll(".k-print-target"), function (old) {
      old.classList.remove("k-print-target");
    });
    section.classList.add("k-print-target");
    var box = document.createElement("div");
    box.className = "k-take-home";
    var heading = document.createElement("h4");
    heading.textContent = "Take this list home";
    var note = document.createElement("p");
    note.textContent =
      "Scan the code with your phone's camera to keep the list. It holds only these questions, nothing about you.";
    var figure = document.createElement("div");
    figure.className = "k-qr";
    var print = document.createElement("button");
    print.type = "button";
    print.className = "k-button k-secondary k-print";
    print.textContent = "Print the list";
    print.addEventListener("click", function () {
      window.print();
    });
    box.appendChild(heading);
    box.appendChild(note);
    box.appendChild(figure);
    box.appendChild(print);
    section.appendChild(box);
    if (!plainText) return;
    window
      .fetch(chat.config.serverUrl + "/qr", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: plainText }),
        credentials: "omit",
        cache: "no-store",
      })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.blob();
      })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        qrUrls.push(url);
        var image = document.createElement("img");
        image.src = url;
        image.alt = "QR code that holds your list of questions";
        image.className = "k-qr-image";
        figure.appendChild(image);
      })
      .catch(function () {
        figure.textContent = "The QR code could not be made. You can print the list instead.";
      });
  }

  /* Privacy on a shared screen: forget everything this visitor saw or typed. */
  function clearAll() {
    hideWarning();
    chat.reset();
    qrUrls.forEach(function (url) {
      URL.revokeObjectURL(url);
    });
    qrUrls = [];
    setKeyboard(false);
    try {
      // The kiosk never writes to storage; clearing anyway guards against anything else on this origin.
      window.localStorage.clear();
      window.sessionStorage.clear();
    } catch (error) {
      /* storage may be disabled; then there is nothing to clear */
    }
    showStart();
    startTitle.focus();
    armIdle();
  }

  var idleTimer = null;
  var warningTimer = null;
  var countdownTimer = null;
  var warningUntil = 0;

  function armIdle() {
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(onIdle, idleMs);
  }

  function onIdle() {
    if (start.hidden === false && chat.isEmpty()) {
      armIdle(); // nothing to clear yet
      return;
    }
    showWarning();
  }

  function showWarning() {
    overlay.hidden = false;
    setInert(true);
    warningUntil = Date.now() + warningMs;
    updateCount();
    continueButton.focus();
    countdownTimer = window.setInterval(updateCount, 1000);
    warningTimer = window.setTimeout(clearAll, warningMs);
  }

  function updateCount() {
    count.textContent = String(Math.max(0, Math.ceil((warningUntil - Date.now()) / 1000)));
  }

  function hideWarning() {
    window.clearTimeout(warningTimer);
    window.clearInterval(countdownTimer);
    overlay.hidden = true;
    setInert(false);
  }

  function setInert(on) {
    // Behind the modal warning nothing can be reached by touch, keyboard or screen reader.
    Array.prototype.forEach.call(document.querySelectorAll("header, main"), function (region) {
      region.inert = on;
    });
  }

  continueButton.addEventListener("click", function () {
    hideWarning();
    chat.input.focus();
    armIdle();
  });

  ["pointerdown", "keydown", "input", "wheel", "touchstart"].forEach(function (type) {
    document.addEventListener(
      type,
      function () {
        // While the warning shows, only "Continue" keeps the conversation.
        if (overlay.hidden) armIdle();
      },
      { passive: true, capture: true }
    );
  });

  startTitle.tabIndex = -1;
  buildKeyboard();
  armIdle();
})();

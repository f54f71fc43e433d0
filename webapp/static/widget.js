/*
 * Vertebroplasty guide: the embeddable chat widget.
 *
 * A page adds <script src="https://clinic.example/static/widget.js"></script> and, optionally, before it,
 * window.VertebroplastyGuideConfig = {serverUrl, title, colours, labels, lang}. The script adds a chat button
 * that opens a chat panel. It talks to the REST channel (POST {serverUrl}/webhooks/rest/webhook), which the
 * project's web server proxies to the Rasa server.
 *
 * Everything the patient or the assistant writes is put on the page with textContent, never as HTML;
 * only http(s) links become links. Nothing is kept in cookies or web storage: a new page is a new
 * conversation.
 *
 * The kiosk reuses the chat through window.VertebroplastyGuide.createChat; a script tag with
 * data-launcher="none" adds no chat button.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var scriptUrl = new URL(script && script.src ? script.src : "/static/widget.js", window.location.href);

  var DEFAULT_LABELS = {
    open: "Questions about vertebroplasty?",
    close: "Close the chat",
    send: "Send",
    inputLabel: "Type your question",
    placeholder: "Type your question here",
    welcome:
      "Hello. I answer questions about vertebroplasty from one web article, which I repeat but do not " +
      "vouch for. I give information, not medical advice. Pick a topic or type a question.",
    conversation: "Conversation with the vertebroplasty guide",
    you: "You said:",
    guide: "The guide said:",
    typing: "The guide is writing an answer",
    source: "Source:",
    reviewed: "Last reviewed:",
    emergency: "Emergency",
    urgent: "See a doctor or nurse today",
    // Shown first, and largest, above an emergency reply; the kiosk sets "Tell a member of staff now".
    staffAlert: "",
    unreachable:
      "Sorry, the guide cannot be reached right now. Please check your connection and try again in a " +
      "moment. If you feel very unwell, call your local emergency number.",
    retry: "Try again",
    questionList: "Questions you could ask at your visit",
    topics: "Topics",
  };

  var DEFAULT_TOPICS = [
    { title: "What is vertebroplasty?", payload: "/ask_what_is_vertebroplasty" },
    { title: "What are the risks?", payload: "/ask_risks" },
    { title: "What are the other options?", payload: "/ask_alternatives" },
    { title: "Why get a second opinion?", payload: "/ask_second_opinion_why" },
  ];

  var COLOUR_PROPERTIES = {
    primary: "--vpg-primary",
    onPrimary: "--vpg-on-primary",
    background: "--vpg-background",
    text: "--vpg-text",
    userBubble: "--vpg-user-bubble",
    botBubble: "--vpg-bot-bubble",
  };

  var URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
  ];

  /* "2026-12-02" as patients read it, "2 December 2026"; anything else is shown as it came. */
  function readableDate(value) {
    var parts = ISO_DATE.exec(value);
    if (!parts || Number(parts[2]) < 1 || Number(parts[2]) > 12) return value;
    return Number(parts[3]) + " " + MONTHS[Number(parts[2]) - 1] + " " + parts[1];
  }

  function merge(defaults, given) {
    var result = {};
    Object.keys(defaults).forEach(function (key) {
      result[key] = defaults[key];
    });
    Object.keys(given || {}).forEach(function (key) {
      if (typeof given[key] === "string") result[key] = given[key];
    });
    return result;
  }

  function settings(given) {
    given = given || {};
    return {
      serverUrl: String(given.serverUrl || scriptUrl.origin).replace(/\/+$/, ""),
      title: typeof given.title === "string" ? given.title : "Vertebroplasty guide",
      lang: typeof given.lang === "string" ? given.lang : "en",
      labels: merge(DEFAULT_LABELS, given.labels),
      colours: given.colours || given.colors || {},
      topics: Array.isArray(given.topics) ? given.topics : DEFAULT_TOPICS,
      senderPrefix: typeof given.senderPrefix === "string" ? given.senderPrefix : "web",
      timeoutMs: typeof given.timeoutMs === "number" ? given.timeoutMs : 60000,
    };
  }

  function newSenderId(prefix) {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return (
      prefix +
      "-" +
      Array.prototype.map
        .call(bytes, function (b) {
          return ("0" + b.toString(16)).slice(-2);
        })
        .join("")
    );
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* Only http(s) URLs become links; anything else (javascript:, data:, ...) stays plain text. */
  function safeHref(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function appendText(parent, text) {
    var value = String(text);
    var last = 0;
    value.replace(URL_PATTERN, function (match, offset) {
      var trimmed = match.replace(/[.,;:!?)\]]+$/, "");
      var href = safeHref(trimmed);
      if (!href) return match;
      parent.appendChild(document.createTextNode(value.slice(last, offset)));
      var link = el("a", "vpg-link", trimmed);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = offset + trimmed.length;
      return match;
    });
    parent.appendChild(document.createTextNode(value.slice(last)));
  }

  function applyColours(target, colours) {
    Object.keys(COLOUR_PROPERTIES).forEach(function (key) {
      var value = colours[key];
      // CSSOM, not a style attribute: allowed under a strict Content-Security-Policy.
      if (typeof value === "string" && window.CSS && CSS.supports("color", value)) {
        target.style.setProperty(COLOUR_PROPERTIES[key], value);
      }
    });
  }

  /*
   * Rasa's REST channel sends a message's text and its custom payload as two messages: the text,
   * then {"custom": ...}. A payload is attached to the text before it, so an emergency reply is
   * styled as one block and a citation sits under its answer.
   */
  function groupReply(messages) {
    var blocks = [];
    var current = null;
    (Array.isArray(messages) ? messages : []).forEach(function (message) {
      if (!message || typeof message !== "object") return;
      if (typeof message.text === "string" || Array.isArray(message.buttons) || typeof message.image === "string") {
        current = { text: message.text, buttons: message.buttons || [], image: message.image, custom: [] };
        blocks.push(current);
      }
      if (message.custom && typeof message.custom === "object") {
        if (!current) {
          current = { text: null, buttons: [], custom: [] };
          blocks.push(current);
        }
        current.custom.push(message.custom);
      }
    });
    return blocks;
  }

  function createChat(container, options) {
    var config = settings(options);
    var labels = config.labels;
    var sender = newSenderId(config.senderPrefix);
    var queue = Promise.resolve();
    var pending = 0;
    var hooks = { onQuestionList: options && options.onQuestionList, onActivity: options && options.onActivity };

    var log = el("div", "vpg-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("aria-label", labels.conversation);
    log.tabIndex = 0;

    var typing = el("div", "vpg-typing");
    typing.setAttribute("role", "status");
    var typingText = el("span", "vpg-visually-hidden");
    var dots = el("span", "vpg-dots");
    dots.setAttribute("aria-hidden", "true");
    [0, 1, 2].forEach(function () {
      dots.appendChild(el("span", "vpg-dot"));
    });
    typing.appendChild(dots);
    typing.appendChild(typingText);
    typing.hidden = true;

    var form = el("form", "vpg-form");
    form.setAttribute("novalidate", "");
    var inputId = newSenderId("vpg-input");
    var label = el("label", "vpg-visually-hidden", labels.inputLabel);
    label.htmlFor = inputId;
    var input = el("input", "vpg-input");
    input.id = inputId;
    input.type = "text";
    input.name = "message";
    input.autocomplete = "off";
    input.maxLength = 2000;
    input.placeholder = labels.placeholder;
    var send = el("button", "vpg-send", labels.send);
    send.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);

    container.appendChild(log);
    container.appendChild(typing);
    container.appendChild(form);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) {
        input.focus();
        return;
      }
      input.value = "";
      say(text, text);
    });

    function scrollToEnd() {
      log.scrollTop = log.scrollHeight;
    }

    /* A long answer is read from its start: scroll so the patient's question sits at the top. */
    function showFromStart(question) {
      if (question && question.offsetTop + log.clientHeight < log.scrollHeight) {
        log.scrollTop = Math.max(0, question.offsetTop - 8);
      } else {
        scrollToEnd();
      }
    }

    function addBubble(kind, who) {
      var bubble = el("div", "vpg-msg vpg-" + kind);
      bubble.appendChild(el("span", "vpg-visually-hidden", who + " "));
      log.appendChild(bubble);
      return bubble;
    }

    function addButtons(parent, buttons) {
      var usable = buttons.filter(function (b) {
        return b && typeof b.title === "string" && typeof b.payload === "string";
      });
      if (!usable.length) return;
      var group = el("div", "vpg-buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", labels.topics);
      usable.forEach(function (b) {
        var button = el("button", "vpg-choice", b.title);
        button.type = "button";
        button.addEventListener("click", function () {
          // The payload is sent exactly as the assistant gave it: the guard accepts only its own payloads.
          say(b.payload, b.title);
        });
        group.appendChild(button);
      });
      parent.appendChild(group);
    }

    function addQuestionList(bubble, payload) {
      var section = el("section", "vpg-question-list");
      var headingId = newSenderId("vpg-list");
      var heading = el("h3", "vpg-list-title", labels.questionList);
      heading.id = headingId;
      section.setAttribute("aria-labelledby", headingId);
      section.appendChild(heading);
      var list = el("ol", "vpg-list");
      payload.question_list.forEach(function (item) {
        if (!item || typeof item.question !== "string") return;
        var li = el("li");
        appendText(li, item.question);
        if (typeof item.source === "string") li.appendChild(el("span", "vpg-source", labels.source + " " + item.source));
        list.appendChild(li);
      });
      section.appendChild(list);
      bubble.appendChild(section);
      if (typeof hooks.onQuestionList === "function") {
        hooks.onQuestionList(section, typeof payload.plain_text === "string" ? payload.plain_text : "");
      }
    }

    function renderBlock(block) {
      var safety = null;
      block.custom.forEach(function (c) {
        if (c.safety === "emergency" || (c.safety === "urgent" && safety !== "emergency")) safety = c.safety;
      });
      var list = null;
      block.custom.forEach(function (c) {
        if (Array.isArray(c.question_list)) list = c;
      });
      var bubble = addBubble(safety ? "bot vpg-" + safety : "bot", labels.guide);
      if (safety) {
        bubble.setAttribute("role", "alert");
        if (safety === "emergency" && labels.staffAlert) {
          bubble.appendChild(el("strong", "vpg-staff-alert", labels.staffAlert));
        }
        bubble.appendChild(el("strong", "vpg-emergency-label", labels[safety]));
      }
      if (typeof block.text === "string" && !list) {
        var body = el("p", "vpg-text");
        appendText(body, block.text);
        bubble.appendChild(body);
      }
      if (list) addQuestionList(bubble, list);
      if (typeof block.image === "string" && safeHref(block.image)) {
        var image = el("a", "vpg-link", block.image);
        image.href = safeHref(block.image);
        image.target = "_blank";
        image.rel = "noopener noreferrer";
        bubble.appendChild(image);
      }
      block.custom.forEach(function (c) {
        if (typeof c.source === "string" && c.kb_entry) {
          bubble.appendChild(el("p", "vpg-source", labels.source + " " + c.source));
          // Beside the source: when a curator last checked this answer against the article.
          if (typeof c.reviewed === "string" && c.reviewed) {
            bubble.appendChild(el("p", "vpg-reviewed", labels.reviewed + " " + readableDate(c.reviewed)));
          }
        }
      });
      addButtons(bubble, block.buttons || []);
    }

    function showError(retry) {
      var bubble = addBubble("bot vpg-error", labels.guide);
      bubble.setAttribute("role", "alert");
      bubble.appendChild(el("p", "vpg-text", labels.unreachable));
      var again = el("button", "vpg-choice", labels.retry);
      again.type = "button";
      again.addEventListener("click", function () {
        bubble.remove();
        retry();
      });
      bubble.appendChild(again);
    }

    function setTyping(on) {
      typing.hidden = !on;
      typingText.textContent = on ? labels.typing : "";
      log.setAttribute("aria-busy", on ? "true" : "false");
    }

    function post(message) {
      var controller = window.AbortController ? new AbortController() : null;
      var timer = controller
        ? window.setTimeout(function () {
            controller.abort();
          }, config.timeoutMs)
        : null;
      return window
        .fetch(config.serverUrl + "/webhooks/rest/webhook", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ sender: sender, message: message }),
          credentials: "omit",
          cache: "no-store",
          signal: controller ? controller.signal : undefined,
        })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .finally(function () {
          if (timer) window.clearTimeout(timer);
        });
    }

    function deliver(message) {
      var forSender = sender;
      pending += 1;
      setTyping(true);
      return post(message)
        .then(function (reply) {
          if (forSender !== sender) return; // the conversation was reset while waiting
          var before = log.lastElementChild;
          groupReply(reply).forEach(renderBlock);
          showFromStart(before);
        })
        .catch(function () {
          if (forSender !== sender) return;
          showError(function () {
            queue = queue.then(function () {
              return deliver(message);
            });
          });
          scrollToEnd();
        })
        .finally(function () {
          // A reply to a conversation that was reset meanwhile must not touch the new one's state.
          if (forSender !== sender) return;
          pending -= 1;
          if (pending === 0) setTyping(false);
        });
    }

    /* Send `message` (typed text or a button payload), showing `shown` as what the patient said. */
    function say(message, shown) {
      if (typeof hooks.onActivity === "function") hooks.onActivity();
      var bubble = addBubble("user", labels.you);
      appendText(bubble, shown);
      scrollToEnd();
      queue = queue.then(function () {
        return deliver(message);
      });
      return queue;
    }

    function welcome() {
      var bubble = addBubble("bot vpg-welcome", labels.guide);
      bubble.appendChild(el("p", "vpg-text", labels.welcome));
      addButtons(bubble, config.topics);
    }

    /* Forget the conversation: clear what is shown and start a new conversation id. */
    function reset() {
      sender = newSenderId(config.senderPrefix);
      queue = Promise.resolve();
      pending = 0;
      setTyping(false);
      while (log.firstChild) log.removeChild(log.firstChild);
      input.value = "";
    }

    return {
      say: say,
      reset: reset,
      welcome: welcome,
      input: input,
      log: log,
      isEmpty: function () {
        return !log.querySelector(".vpg-user");
      },
      config: config,
    };
  }

  function mountLauncher(config) {
    var options = settings(config);
    var root = el("div", "vpg-root");
    root.lang = options.lang;
    applyColours(root, options.colours);

    var panelId = newSenderId("vpg-panel");
    var titleId = panelId + "-title";
    var launcher = el("button", "vpg-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", panelId);
    var icon = el("span", "vpg-launcher-icon", "?");
    icon.setAttribute("aria-hidden", "true");
    launcher.appendChild(icon);
    launcher.appendChild(el("span", "vpg-launcher-text", options.labels.open));

    var panel = el("div", "vpg-panel");
    panel.id = panelId;
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", titleId);

    var header = el("div", "vpg-header");
    var title = el("h2", "vpg-title", options.title);
    title.id = titleId;
    var close = el("button", "vpg-close");
    close.type = "button";
    close.setAttribute("aria-label", options.labels.close);
    var closeIcon = el("span", null, "×");
    closeIcon.setAttribute("aria-hidden", "true");
    close.appendChild(closeIcon);
    header.appendChild(title);
    header.appendChild(close);
    panel.appendChild(header);

    var body = el("div", "vpg-body");
    panel.appendChild(body);
    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(root);

    var chat = createChat(body, config);
    chat.welcome();

    function open() {
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      root.classList.add("vpg-open");
      chat.input.focus();
    }

    function shut() {
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      root.classList.remove("vpg-open");
      launcher.focus();
    }

    launcher.addEventListener("click", function () {
      if (panel.hidden) open();
      else shut();
    });
    close.addEventListener("click", shut);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") shut();
    });
    return { open: open, close: shut, chat: chat };
  }

  function addStylesheet() {
    if (document.querySelector("link[data-vpg-style]")) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("widget.css", scriptUrl).href;
    link.setAttribute("data-vpg-style", "");
    document.head.appendChild(link);
  }

  addStylesheet();
  window.VertebroplastyGuide = { createChat: createChat, groupReply: groupReply };

  if (!script || script.getAttribute("data-launcher") !== "none") {
    var start = function () {
      window.VertebroplastyGuide.widget = mountLauncher(window.VertebroplastyGuideConfig || {});
    };
    if (document.body) start();
    else document.addEventListener("DOMContentLoaded", start);
  }
})();

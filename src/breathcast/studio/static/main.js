// breathcast studio: the page. It only shows and asks; the studio (the library behind it)
// parses, checks, voices, renders, builds and publishes. Each view is a module of its own.

import { checkInstance, heartbeat, report } from "./api.js";
import { route } from "./router.js";
import { onBuildEvent } from "./views/build.js";
import { onDeployEvent } from "./views/online.js";
import "./views/overview.js";
import "./views/editor.js";
import "./views/voice.js";
import "./views/episode.js";
import "./views/lexicon.js";
import "./views/publish.js";
import "./views/help.js";
import "./views/settings.js";
import "./views/exercise.js";

// One stream of events: a greeting (is this still the studio that made the page?), every
// build's and deploy's events, and a word when a build here or in a terminal starts or ends.
function connect() {
  const source = new EventSource("/api/events");
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.event === "hello") checkInstance(event.instance);
    else if (event.event === "project_changed") document.dispatchEvent(new CustomEvent("project-changed"));
    else if (event.event.startsWith("deploy") || event.event === "file_sent") onDeployEvent(event);
    else onBuildEvent(event);
  };
  source.onerror = () => heartbeat();
}

connect();
route().catch(report);

// Podcast Index's own parser (podcast-partytime) on a feed file: what it read, as JSON.
const fs = require("fs");
const { parseFeed } = require("podcast-partytime");

const feed = parseFeed(fs.readFileSync(process.argv[2], "utf8"));
process.stdout.write(JSON.stringify(feed, null, 1));

'use strict';
// wukong is an ES module: Node 20 cannot require() it. Without this file a CommonJS caller got
// 'No "exports" main defined', which says nothing of what to do.
throw new Error("wukong is an ES module and cannot be loaded with require(): use `import { submit } from 'wukong'` in an ES module (.mjs, or \"type\": \"module\" in package.json), or `const { submit } = await import('wukong')` from CommonJS");

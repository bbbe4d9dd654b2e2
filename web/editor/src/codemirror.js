// The parts of CodeMirror 6 the SPARQL page uses, bundled as one script that defines the
// global `CodeMirror` (web/static/vendor/codemirror/codemirror.min.js). The page's own code,
// web/static/sparql.js, builds the editor from them; nothing of the project is in this bundle.
export {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
  highlightSpecialChars,
} from "@codemirror/view";
export { EditorState } from "@codemirror/state";
export {
  StreamLanguage, syntaxHighlighting, syntaxTree, bracketMatching, indentOnInput,
} from "@codemirror/language";
export { tags, tagHighlighter } from "@lezer/highlight";
export { sparql } from "@codemirror/legacy-modes/mode/sparql";
export { autocompletion, closeBrackets, closeBracketsKeymap, startCompletion } from "@codemirror/autocomplete";
export { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
export { searchKeymap, highlightSelectionMatches } from "@codemirror/search";

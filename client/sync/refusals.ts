// What to tell a person whose write the server undid. The server says why in y-protocols' auth
// "permission denied" message (server/protocol.ts encodeRefusal), with the reason its metrics count;
// the stock y-websocket client only logs that message, the session shows this instead.
import { MAX_CHECK_INS_PER_BOARD, MAX_DOC_BYTES, MAX_NOTES_PER_BOARD } from '../../shared/limits';

const MB = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

export function refusalMessage(reason: string): string {
  switch (reason) {
    case 'doc_too_large':
      return `The board is full (it holds at most ${MB(MAX_DOC_BYTES.board)}): your last change was not kept. Delete or shorten something to make room.`;
    case 'too_many_records':
      return `The board holds at most ${MAX_NOTES_PER_BOARD} notes and ${MAX_CHECK_INS_PER_BOARD.toLocaleString('en-US')} check-ins: your last change was not kept.`;
    case 'text_too_long':
      return 'That text is longer than the board takes: your last change was not kept.';
    case 'control_characters':
    case 'not_a_string':
      return 'A workshop title is one line of text: your last change was not kept.';
    case 'write_reverted_participant':
      return 'The board is locked: your last change was not kept.';
    default:
      return `The server did not keep your last change (${reason}).`;
  }
}

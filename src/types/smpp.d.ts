/** The parts of the `smpp` package (SMPP 3.4/5.0 client and server) that Ricochet uses. */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    /** A decoded short_message: the text plus its user data headers when the UDH indicator is set. */
    interface ShortMessage {
      message: string | Buffer;
      udh?: Buffer[];
    }

    class PDU {
      constructor(command: string, options?: Record<string, unknown>);
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      isResponse(): boolean;
      response(options?: Record<string, unknown>): PDU;
      toBuffer(): Buffer;
      // Fields of the body and TLVs, named as in the SMPP specification.
      system_id?: string;
      password?: string;
      message_id?: string;
      source_addr?: string;
      source_addr_ton?: number;
      source_addr_npi?: number;
      destination_addr?: string;
      dest_addr_ton?: number;
      dest_addr_npi?: number;
      esm_class?: number;
      data_coding?: number;
      registered_delivery?: number;
      short_message?: ShortMessage | Buffer | string;
      message_payload?: ShortMessage | Buffer | string;
      receipted_message_id?: string;
      message_state?: number;
      [field: string]: unknown;
    }

    type ResponseCallback = (pdu: PDU) => void;

    class Session extends EventEmitter {
      socket: Socket;
      send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      pause(): void;
      resume(): void;
      bind_transceiver(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      submit_sm(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      deliver_sm(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      enquire_link(options?: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      unbind(options?: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
    }

    class Server extends NetServer {
      sessions: Session[];
    }

    function connect(options: { host: string; port: number; [option: string]: unknown }, listener?: () => void): Session;
    function createServer(listener: (session: Session) => void): Server;
    function createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;

    const ESME_ROK: number;
    const ESME_RINVMSGLEN: number;
    const ESME_RSYSERR: number;
    const ESME_RINVDSTADR: number;
    const ESME_RBINDFAIL: number;
    const ESME_RINVPASWD: number;
    const ESME_RMSGQFUL: number;
    const ESME_RTHROTTLED: number;
    const ESME_RX_T_APPN: number;
    const errors: Record<string, number>;
  }

  export = smpp;
}

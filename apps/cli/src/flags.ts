// Flag types are derived from the commander definitions (@commander-js/extra-typings), never written by hand.
import type { Command, CommandUnknownOpts } from "@commander-js/extra-typings";

/** The type arguments of a command without options; option sets are instantiated with them to read what they add. */
export type NoOptions = Record<never, never>;

/** The option values a command's action receives, e.g. `OptsOf<ReturnType<typeof defineX>>`. */
export type OptsOf<C extends CommandUnknownOpts> = ReturnType<C["opts"]>;

/** The flags an option set adds to a command without options: `FlagsOf<typeof addX<[], NoOptions, NoOptions>>`. */
export type FlagsOf<Add extends (cmd: Command<[], NoOptions, NoOptions>) => CommandUnknownOpts> = OptsOf<ReturnType<Add>>;

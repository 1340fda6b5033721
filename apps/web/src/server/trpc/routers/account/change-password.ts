import { z } from "zod";
import { changePassword } from "@scrollintel/core/services/session-service";
import { userProcedure } from "../../init";

/** A new password for the signed-in user; every session of theirs ends, this one included. */
export const changePasswordProcedure = userProcedure
  .input(z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(8).max(200) }))
  .mutation(async ({ ctx, input }) => {
    await changePassword(ctx.db, { userId: ctx.caller.userId, ...input });
    return { signedOut: true };
  });

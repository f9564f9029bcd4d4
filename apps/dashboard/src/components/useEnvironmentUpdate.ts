// The save path shared by the settings forms: environments.update, the saved flag, and its errors per field.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../errors.js";
import { fieldErrors } from "../fieldErrors.js";
import { useTRPC } from "../trpc.js";

export function useEnvironmentUpdate(onSaved?: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.environments.update.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        onSaved?.();
        await queryClient.invalidateQueries({ queryKey: trpc.environments.pathKey() });
      },
    }),
  );
  const errors = fieldErrors(update.error);
  const otherError = update.error && Object.keys(errors).length === 0 ? describeError(update.error).message : null;
  return { update, saved, setSaved, errors, otherError };
}

package dev.chorus.chat.web;

/** Who may log in: registered users with their password, or anyone by name (guest mode). */
public enum AuthMode { PASSWORD, GUEST }
